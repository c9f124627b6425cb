using System;
using PureCloudLicense.Api;
using PureCloudLicense.Api.Auth;

namespace PureCloudLicense.Models
{
    /// <summary>
    /// A connection to one Genesys Cloud org: where it is, who it is, and how the module authenticates to it.
    /// Shows no token or secret in any property or in ToString(). Pass it with -Context to work on several orgs.
    /// </summary>
    public sealed class PCContext : IDisposable
    {
        private readonly LicenseApiClient api;
        private volatile bool disconnected;

        internal PCContext(LicenseApiClient api, string? clientId, OrganizationInfo? organization)
        {
            this.api = api;
            ClientId = clientId;
            OrganizationId = organization?.Id;
            OrganizationName = organization?.Name;
            ConnectedOn = DateTimeOffset.Now;
            Definitions = new DefinitionCache(api);
        }

        /// <summary>The environment name (mypurecloud.ie, …) or the gateway URI.</summary>
        public string Environment => api.Environment.Name;

        public Uri ApiBaseUri => api.Environment.ApiBaseUri;

        public string? OrganizationId { get; }

        public string? OrganizationName { get; }

        /// <summary>The OAuth client id (not secret); empty for a token obtained elsewhere.</summary>
        public string? ClientId { get; }

        public AuthKind AuthKind => api.Tokens.Kind;

        /// <summary>When the current token expires; unknown for a token obtained elsewhere.</summary>
        public DateTimeOffset? TokenExpiresOn => api.Tokens.ExpiresOn?.ToLocalTime();

        public DateTimeOffset ConnectedOn { get; }

        /// <summary>How long one call may keep retrying rate limits and transient failures before it fails.</summary>
        public TimeSpan RetryBudget
        {
            get => api.Options.Retry.Budget;
            set => api.Options.Retry.Budget = value;
        }

        public bool IsConnected => !disconnected;

        /// <summary>Given to a script (-PassThru, Get-PCContext), which may keep using it after another Connect.</summary>
        internal bool HandedOut { get; set; }

        internal LicenseApiClient Api
        {
            get
            {
                if (disconnected)
                {
                    throw new ObjectDisposedException(nameof(PCContext), $"The connection to {this} was closed by Disconnect-PCOrganization. Connect again.");
                }

                return api;
            }
        }

        /// <summary>License definitions for tab completion and batch ordering, kept for a few minutes.</summary>
        internal DefinitionCache Definitions { get; }

        public override string ToString() =>
            (string.IsNullOrEmpty(OrganizationName) ? OrganizationId ?? "unknown org" : OrganizationName) + " (" + Environment + ")";

        public void Dispose()
        {
            if (!disconnected)
            {
                disconnected = true;
                api.Dispose();
            }
        }
    }
}
