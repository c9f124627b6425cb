using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using System.Management.Automation;
using PureCloudLicense.Api;
using PureCloudLicense.Models;

namespace PureCloudLicense.Commands
{
    /// <summary>
    /// <para type="synopsis">Gets the org's license assignments: one row per license, with its holders and their count.</para>
    /// <para type="description">Reads GET /api/v2/license/organization where the service has it. The live API removed that endpoint in 2019 and answers 404; then the same rows are built from the paged user listing (GET /api/v2/license/users), with a progress bar. The Source property says which. Every license of the org gets a row, with UserCount 0 when nobody holds it; an id given to -LicenseId that the org does not have is a LicenseDefinitionNotFound error. If any page of the listing cannot be read, the command fails rather than output wrong counts.</para>
    /// <example><code>Get-PCLicenseOrganization | Sort-Object UserCount -Descending</code></example>
    /// <example><code>(Get-PCLicenseOrganization -LicenseId cloudCX2).UserIds</code></example>
    /// </summary>
    [Cmdlet(VerbsCommon.Get, "PCLicenseOrganization")]
    [OutputType(typeof(LicenseUsage))]
    public sealed class GetPCLicenseOrganizationCommand : PCConnectedCmdlet
    {
        public const string OrganizationEndpointSource = "OrganizationEndpoint";
        public const string UserListingSource = "UserListing";

        /// <summary><para type="description">Only these licenses. Default: every license of the org.</para></summary>
        [Parameter(Position = 0)]
        [ArgumentCompleter(typeof(LicenseIdCompleter))]
        [ValidateNotNullOrEmpty]
        public string[]? LicenseId { get; set; }

        /// <summary><para type="description">Pages read at once when building from the user listing. Default 4.</para></summary>
        [Parameter]
        [ValidateRange(1, 16)]
        public int ThrottleLimit { get; set; } = 4;

        protected override void EndProcessing()
        {
            var context = Connection;
            var filter = LicenseId == null ? null : new HashSet<string>(LicenseId.Select(id => id.Trim()), StringComparer.OrdinalIgnoreCase);
            Run(async (output, token) =>
            {
                var source = OrganizationEndpointSource;
                IReadOnlyDictionary<string, IReadOnlyList<string>>? holders;
                try
                {
                    holders = await context.Api.GetLicenseOrganizationAsync(token).ConfigureAwait(false);
                }
                catch (GenesysApiException ex) when (ex.Kind == ApiFailureKind.InvalidResponse)
                {
                    // The endpoint's shape was never fully specified; the listing is the reliable source.
                    output.Verbose($"GET /api/v2/license/organization answered in a shape that could not be read ({ex.Message}); using the user listing instead.");
                    holders = null;
                }

                if (holders == null)
                {
                    output.Verbose("GET /api/v2/license/organization is not served (404, as on the live API since 2019); building the same view from the user listing.");
                    source = UserListingSource;
                    holders = await FromUserListingAsync(context, output, token).ConfigureAwait(false);
                }

                // Every license of the catalogue gets a row, held or not, whichever source answered: unused
                // licenses are what an administrator most often looks for.
                var definitions = await context.Definitions.GetAsync(token).ConfigureAwait(false);
                var licenseIds = definitions.Select(d => d.Id).Concat(holders.Keys).Distinct(StringComparer.Ordinal).OrderBy(id => id, StringComparer.OrdinalIgnoreCase);
                var known = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
                foreach (var licenseId in licenseIds)
                {
                    known.Add(licenseId);
                    if (filter == null || filter.Contains(licenseId))
                    {
                        output.WriteObject(new LicenseUsage(licenseId, holders.TryGetValue(licenseId, out var users) ? users : Array.Empty<string>(), source));
                    }
                }

                foreach (var unknown in (filter ?? Enumerable.Empty<string>()).Where(id => !known.Contains(id)))
                {
                    output.WriteError(ErrorRecords.LicenseNotFound(unknown));
                }
            });
            WriteProgress(ReadProgress.Completed());
        }

        private async System.Threading.Tasks.Task<IReadOnlyDictionary<string, IReadOnlyList<string>>> FromUserListingAsync(
            PCContext context, CmdletOutput output, System.Threading.CancellationToken token)
        {
            var holders = new Dictionary<string, List<string>>(StringComparer.Ordinal);
            var users = 0L;
            await UserListing.ReadAllOrFailAsync(
                context.Api,
                ThrottleLimit,
                (page, pageCount) =>
                {
                    foreach (var user in page.Users)
                    {
                        users++;
                        foreach (var licenseId in user.LicenseIds)
                        {
                            if (!holders.TryGetValue(licenseId, out var list))
                            {
                                holders[licenseId] = list = new List<string>();
                            }

                            list.Add(user.UserId);
                        }
                    }

                    if (pageCount.HasValue)
                    {
                        output.WriteProgress(ReadProgress.Page(page.PageNumber, pageCount.Value, users, page.Total));
                    }
                },
                token).ConfigureAwait(false);
            return holders.ToDictionary(e => e.Key, e => (IReadOnlyList<string>)e.Value, StringComparer.Ordinal);
        }
    }
}
