using System;
using System.Net;
using PureCloudLicense.Api.Http;

namespace PureCloudLicense.Api
{
    /// <summary>Settings of one context's HTTP pipeline.</summary>
    internal sealed class ApiClientOptions
    {
        /// <summary>Sent as User-Agent; names the module and PowerShell versions.</summary>
        public string UserAgent { get; set; } = "PureCloudLicense";

        /// <summary>An explicit proxy; null means the system's proxy settings.</summary>
        public IWebProxy? Proxy { get; set; }

        public RetryPolicy Retry { get; set; } = new RetryPolicy();

        /// <summary>Most connections kept open to the service at once.</summary>
        public int MaxConnections { get; set; } = 16;
    }
}
