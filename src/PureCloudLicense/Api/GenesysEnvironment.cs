using System;
using System.Collections.Generic;
using System.Linq;
using System.Net;

namespace PureCloudLicense.Api
{
    /// <summary>
    /// Where a Genesys Cloud org lives: the base URIs of its API and of its login (OAuth) service.
    /// Built from a region code, an environment name, or an absolute gateway URI (proxy, API gateway, emulator).
    /// </summary>
    internal sealed class GenesysEnvironment
    {
        /// <summary>Region code → environment, as the .NET SDK and the Terraform provider list them.</summary>
        public static readonly IReadOnlyList<KeyValuePair<string, string>> KnownRegions = new[]
        {
            Pair("us_east_1", "mypurecloud.com"),
            Pair("eu_west_1", "mypurecloud.ie"),
            Pair("eu_central_1", "mypurecloud.de"),
            Pair("ap_northeast_1", "mypurecloud.jp"),
            Pair("ap_southeast_2", "mypurecloud.com.au"),
            Pair("us_west_2", "usw2.pure.cloud"),
            Pair("ca_central_1", "cac1.pure.cloud"),
            Pair("ap_northeast_2", "apne2.pure.cloud"),
            Pair("eu_west_2", "euw2.pure.cloud"),
            Pair("ap_south_1", "aps1.pure.cloud"),
            Pair("us_east_2", "use2.us-gov-pure.cloud"),
            Pair("sa_east_1", "sae1.pure.cloud"),
            Pair("me_central_1", "mec1.pure.cloud"),
            Pair("ap_northeast_3", "apne3.pure.cloud"),
            Pair("eu_central_2", "euc2.pure.cloud"),
            Pair("mx_central_1", "mxc1.pure.cloud"),
            Pair("ap_southeast_1", "apse1.pure.cloud"),
            Pair("eusc_de_east_1", "edee1.eusc-pure.cloud"),
        };

        /// <summary>The environment the official SDKs use when none is named.</summary>
        public const string DefaultEnvironment = "mypurecloud.com";

        private GenesysEnvironment(string name, Uri apiBase, Uri loginBase, bool isGateway)
        {
            Name = name;
            ApiBaseUri = apiBase;
            LoginBaseUri = loginBase;
            IsGateway = isGateway;
        }

        /// <summary>The environment name (e.g. mypurecloud.ie) or, for a gateway, its URI.</summary>
        public string Name { get; }

        /// <summary>Base under which /api/v2 lives, ending in a slash.</summary>
        public Uri ApiBaseUri { get; }

        /// <summary>Base under which /oauth/token lives, ending in a slash.</summary>
        public Uri LoginBaseUri { get; }

        /// <summary>True when both services live under one custom URI (emulator, proxy, API gateway).</summary>
        public bool IsGateway { get; }

        public Uri TokenUri => new Uri(LoginBaseUri, "oauth/token");

        public override string ToString() => Name;

        /// <summary>
        /// Resolves a region code (us_east_1), an environment name (mypurecloud.com, also with an api. or login.
        /// prefix) or an absolute http(s) URI of a gateway. Plain http is refused for anything but loopback,
        /// so that a token never travels in clear over a network.
        /// </summary>
        /// <exception cref="ArgumentException">The value is none of those; the message lists the known names.</exception>
        public static GenesysEnvironment Resolve(string value)
        {
            if (string.IsNullOrWhiteSpace(value))
            {
                throw new ArgumentException("The environment is empty. " + KnownNamesSentence());
            }

            var text = value.Trim();
            if (text.IndexOf("://", StringComparison.Ordinal) >= 0)
            {
                return FromGatewayUri(text);
            }

            var lower = text.ToLowerInvariant().TrimEnd('/');
            foreach (var region in KnownRegions)
            {
                if (lower == region.Key || lower.Replace('-', '_') == region.Key)
                {
                    return FromEnvironmentName(region.Value);
                }
            }

            foreach (var prefix in new[] { "api.", "login.", "apps." })
            {
                if (lower.StartsWith(prefix, StringComparison.Ordinal))
                {
                    lower = lower.Substring(prefix.Length);
                    break;
                }
            }

            if (KnownRegions.Any(r => r.Value == lower))
            {
                return FromEnvironmentName(lower);
            }

            throw new ArgumentException(
                $"'{value}' is not a known Genesys Cloud region or environment, nor an absolute http(s) URI. " + KnownNamesSentence());
        }

        private static GenesysEnvironment FromEnvironmentName(string environment) =>
            new GenesysEnvironment(
                environment,
                new Uri("https://api." + environment + "/"),
                new Uri("https://login." + environment + "/"),
                isGateway: false);

        private static GenesysEnvironment FromGatewayUri(string text)
        {
            if (!Uri.TryCreate(text, UriKind.Absolute, out var uri) ||
                (uri.Scheme != Uri.UriSchemeHttps && uri.Scheme != Uri.UriSchemeHttp))
            {
                throw new ArgumentException($"'{text}' is not an absolute http or https URI.");
            }

            if (!string.IsNullOrEmpty(uri.UserInfo))
            {
                throw new ArgumentException(
                    "The environment URI carries a user name or password. They would be shown wherever the environment is, and are not used to authenticate: give the proxy's with -Proxy and -ProxyCredential, and the OAuth client's with -ClientId and -ClientSecret.");
            }

            if (uri.Scheme == Uri.UriSchemeHttp && !IsLoopback(uri))
            {
                throw new ArgumentException(
                    $"'{text}' uses plain http to a host that is not loopback. Tokens and secrets would travel in clear; use https, or http only for 127.0.0.1, ::1 or localhost.");
            }

            // Both /oauth/token and /api/v2 live under the gateway's path.
            var basePath = uri.GetLeftPart(UriPartial.Path).TrimEnd('/') + "/";
            var baseUri = new Uri(basePath);
            return new GenesysEnvironment(baseUri.ToString().TrimEnd('/'), baseUri, baseUri, isGateway: true);
        }

        private static bool IsLoopback(Uri uri)
        {
            if (uri.IsLoopback)
            {
                return true;
            }

            return IPAddress.TryParse(uri.DnsSafeHost, out var address) && IPAddress.IsLoopback(address);
        }

        private static string KnownNamesSentence() =>
            "Known regions: " + string.Join(", ", KnownRegions.Select(r => $"{r.Key} ({r.Value})")) + ".";

        private static KeyValuePair<string, string> Pair(string region, string environment) =>
            new KeyValuePair<string, string>(region, environment);
    }
}
