using System;
using System.Collections.Generic;
using System.Management.Automation;
using System.Net;
using System.Security;
using PureCloudLicense.Api;
using PureCloudLicense.Models;

namespace PureCloudLicense.Commands
{
    /// <summary>
    /// <para type="synopsis">Connects to a Genesys Cloud org and makes the connection the default for this process.</para>
    /// <para type="description">Gets an OAuth token at once (client credentials), so a wrong secret fails here, then reads the org's id and name. The connection is shared by every runspace of the process (ForEach-Object -Parallel, thread jobs). Without -ClientId, -Credential or -AccessToken, the credentials come from GENESYSCLOUD_OAUTHCLIENT_ID, GENESYSCLOUD_OAUTHCLIENT_SECRET, GENESYSCLOUD_ACCESS_TOKEN and GENESYSCLOUD_REGION (or PURECLOUD_CLIENT_ID, PURECLOUD_SECRET, PURECLOUD_ENVIRONMENT).</para>
    /// <example><code>Connect-PCOrganization -Environment eu_west_1 -ClientId $id -ClientSecret (Read-Host -AsSecureString 'Secret')</code></example>
    /// <example><code>$env:GENESYSCLOUD_OAUTHCLIENT_ID = $id; $env:GENESYSCLOUD_OAUTHCLIENT_SECRET = $secret; $env:GENESYSCLOUD_REGION = 'mypurecloud.ie'; Connect-PCOrganization   # a runbook</code></example>
    /// <example><code>$emea = Connect-PCOrganization -Environment mypurecloud.de -Credential $cred -PassThru; Get-PCLicenseOrganization -Context $emea</code></example>
    /// <example><code>Connect-PCOrganization -Environment http://127.0.0.1:8080 -ClientId pcl-emulator-client -ClientSecret (ConvertTo-SecureString pcl-emulator-secret -AsPlainText -Force)   # the emulator</code></example>
    /// </summary>
    [Cmdlet(VerbsCommunications.Connect, "PCOrganization", DefaultParameterSetName = EnvironmentVariablesSet)]
    [OutputType(typeof(PCContext))]
    public sealed class ConnectPCOrganizationCommand : PCCmdlet
    {
        private const string ClientSecretSet = "ClientSecret";
        private const string CredentialSet = "Credential";
        private const string AccessTokenSet = "AccessToken";
        private const string EnvironmentVariablesSet = "EnvironmentVariables";
        private static readonly TimeSpan ConnectRetryBudget = TimeSpan.FromSeconds(30);

        /// <summary><para type="description">The OAuth client id (client-credentials grant).</para></summary>
        [Parameter(Mandatory = true, ParameterSetName = ClientSecretSet)]
        [ValidateNotNullOrEmpty]
        public string ClientId { get; set; } = string.Empty;

        /// <summary><para type="description">The OAuth client secret, as a SecureString.</para></summary>
        [Parameter(Mandatory = true, ParameterSetName = ClientSecretSet)]
        [ValidateNotNull]
        public SecureString? ClientSecret { get; set; }

        /// <summary><para type="description">The client id as user name and the client secret as password.</para></summary>
        [Parameter(Mandatory = true, ParameterSetName = CredentialSet)]
        [Credential]
        [ValidateNotNull]
        public PSCredential? Credential { get; set; }

        /// <summary><para type="description">A bearer token obtained elsewhere, used as is; it is not renewed when it expires.</para></summary>
        [Parameter(Mandatory = true, ParameterSetName = AccessTokenSet)]
        [ValidateNotNull]
        public SecureString? AccessToken { get; set; }

        /// <summary><para type="description">A region code (us_east_1, eu_west_1, …), an environment name (mypurecloud.com, usw2.pure.cloud, …) or the absolute URI of a gateway or of the emulator, under which both /oauth/token and /api/v2 live. Default: GENESYSCLOUD_REGION, else PURECLOUD_ENVIRONMENT, else mypurecloud.com.</para></summary>
        [Parameter(Position = 0)]
        [ArgumentCompleter(typeof(EnvironmentCompleter))]
        [ValidateNotNullOrEmpty]
        public string? Environment { get; set; }

        /// <summary><para type="description">A proxy for every call. Default: the system's proxy settings.</para></summary>
        [Parameter]
        [ValidateNotNull]
        public Uri? Proxy { get; set; }

        /// <summary><para type="description">Credentials for -Proxy.</para></summary>
        [Parameter]
        [Credential]
        [ValidateNotNull]
        public PSCredential? ProxyCredential { get; set; }

        /// <summary><para type="description">How long one call may keep retrying rate limits and transient failures. A number is seconds. Default: 5 minutes.</para></summary>
        [Parameter]
        [SecondsToTimeSpan]
        public TimeSpan? RetryBudget { get; set; }

        /// <summary><para type="description">Returns the new connection, for -Context.</para></summary>
        [Parameter]
        public SwitchParameter PassThru { get; set; }

        protected override void EndProcessing()
        {
            if (ProxyCredential != null && Proxy == null)
            {
                ThrowTerminatingError(ErrorRecords.Create("ProxyCredentialWithoutProxy", ErrorCategory.InvalidArgument,
                    "-ProxyCredential needs -Proxy.", ProxyCredential));
            }

            var environmentName = Environment ?? ReadVariable("GENESYSCLOUD_REGION") ?? ReadVariable("PURECLOUD_ENVIRONMENT") ?? GenesysEnvironment.DefaultEnvironment;
            GenesysEnvironment environment;
            try
            {
                environment = GenesysEnvironment.Resolve(environmentName);
            }
            catch (ArgumentException ex)
            {
                // A URI with user info is refused because it may hold a password: keep it out of the error too.
                var target = environmentName.IndexOf('@') >= 0 ? null : environmentName;
                ThrowTerminatingError(ErrorRecords.Create("UnknownEnvironment", ErrorCategory.InvalidArgument, ex.Message, target, ex));
                return;
            }

            var options = new ApiClientOptions
            {
                UserAgent = $"PureCloudLicense/{typeof(PCContext).Assembly.GetName().Version?.ToString(3)} PowerShell/{PowerShellVersion()}",
                Proxy = Proxy == null ? null : new WebProxy(Proxy) { Credentials = ProxyCredential?.GetNetworkCredential() },
            };
            if (RetryBudget.HasValue)
            {
                if (RetryBudget.Value < TimeSpan.Zero)
                {
                    ThrowTerminatingError(ErrorRecords.Create("InvalidRetryBudget", ErrorCategory.InvalidArgument,
                        $"-RetryBudget cannot be negative (got {RetryBudget.Value}).", RetryBudget.Value));
                }

                options.Retry.Budget = RetryBudget.Value;
            }

            var client = CreateClient(environment, options, out var clientId);
            var context = (PCContext?)null;

            // Connecting should answer soon: a host that refuses connections fails after 30 s, not after the
            // budget meant for long bulk runs.
            var budget = options.Retry.Budget;
            options.Retry.Budget = budget < ConnectRetryBudget ? budget : ConnectRetryBudget;
            try
            {
                Run(async (output, token) =>
                {
                    await client.AuthenticateAsync(token).ConfigureAwait(false);
                    OrganizationInfo? organization = null;
                    try
                    {
                        organization = await client.GetOrganizationAsync(token).ConfigureAwait(false);
                    }
                    catch (GenesysApiException ex) when (ex.StatusCode == 403 || ex.StatusCode == 404)
                    {
                        output.WriteWarning($"Connected, but the org's id and name could not be read: {ex.Message} The license cmdlets work without them.");
                    }

                    context = new PCContext(client, clientId, organization);
                    output.Verbose($"Connected to {context} as {(clientId == null ? "a supplied access token" : "client " + clientId)}.");
                }, environment.Name);
            }
            catch
            {
                client.Dispose();
                throw;
            }
            finally
            {
                options.Retry.Budget = budget;
            }

            // The replaced default is closed, unless a script holds it (it was handed out) and may still use it.
            var previous = PCSession.SetDefault(context!);
            if (previous != null && !previous.HandedOut)
            {
                previous.Dispose();
            }

            if (PassThru)
            {
                context!.HandedOut = true;
                WriteObject(context);
            }
        }

        private LicenseApiClient CreateClient(GenesysEnvironment environment, ApiClientOptions options, out string? clientId)
        {
            switch (ParameterSetName)
            {
                case ClientSecretSet:
                    clientId = ClientId;
                    return LicenseApiClient.WithClientCredentials(environment, ClientId, ClientSecret!, options);
                case CredentialSet:
                    clientId = Credential!.UserName;
                    if (string.IsNullOrWhiteSpace(clientId))
                    {
                        ThrowTerminatingError(ErrorRecords.Create("MissingClientId", ErrorCategory.InvalidArgument,
                            "The credential's user name must be the OAuth client id; it is empty.", Credential));
                    }

                    return LicenseApiClient.WithClientCredentials(environment, clientId, Credential.Password, options);
                case AccessTokenSet:
                    clientId = null;
                    return LicenseApiClient.WithAccessToken(environment, AccessToken!, options);
                default:
                    return CreateClientFromEnvironmentVariables(environment, options, out clientId);
            }
        }

        /// <summary>Client credentials win over a token: they can be renewed. A clear error names what is missing.</summary>
        private LicenseApiClient CreateClientFromEnvironmentVariables(GenesysEnvironment environment, ApiClientOptions options, out string? clientId)
        {
            var id = ReadVariable("GENESYSCLOUD_OAUTHCLIENT_ID") ?? ReadVariable("PURECLOUD_CLIENT_ID");
            var secret = ReadVariable("GENESYSCLOUD_OAUTHCLIENT_SECRET") ?? ReadVariable("PURECLOUD_SECRET");
            var token = ReadVariable("GENESYSCLOUD_ACCESS_TOKEN");
            if (id != null && secret != null)
            {
                clientId = id;
                using var secure = ToSecureString(secret);
                WriteVerbose($"Using client credentials from the environment (client id {id}).");
                return LicenseApiClient.WithClientCredentials(environment, id, secure, options);
            }

            if (token != null)
            {
                clientId = null;
                using var secure = ToSecureString(token);
                WriteVerbose("Using the access token in GENESYSCLOUD_ACCESS_TOKEN.");
                return LicenseApiClient.WithAccessToken(environment, secure, options);
            }

            var missing = new List<string>();
            if (id == null)
            {
                missing.Add("GENESYSCLOUD_OAUTHCLIENT_ID (or PURECLOUD_CLIENT_ID)");
            }

            if (secret == null)
            {
                missing.Add("GENESYSCLOUD_OAUTHCLIENT_SECRET (or PURECLOUD_SECRET)");
            }

            ThrowTerminatingError(ErrorRecords.Create(
                "MissingCredentials",
                ErrorCategory.InvalidArgument,
                "No credentials: pass -ClientId and -ClientSecret, -Credential or -AccessToken, or set the environment variables. Missing: " +
                string.Join(", ", missing) + "; or set GENESYSCLOUD_ACCESS_TOKEN instead.",
                null));
            clientId = null;
            return null!;
        }

        private static string? ReadVariable(string name)
        {
            var value = System.Environment.GetEnvironmentVariable(name);
            return string.IsNullOrWhiteSpace(value) ? null : value!.Trim();
        }

        private static SecureString ToSecureString(string text)
        {
            var secure = new SecureString();
            foreach (var c in text)
            {
                secure.AppendChar(c);
            }

            secure.MakeReadOnly();
            return secure;
        }
    }
}
