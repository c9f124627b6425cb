using System.Collections.Generic;
using System.Linq;

namespace PureCloudLicense.Models
{
    /// <summary>
    /// One license and the users who hold it: the org-wide assignment view, one row per license so that it pipes
    /// into Sort-Object UserCount, Where-Object and Export-Csv, and expands with Select-Object -ExpandProperty UserIds.
    /// </summary>
    public sealed class LicenseUsage
    {
        public LicenseUsage(string licenseId, IEnumerable<string> userIds, string source)
        {
            LicenseId = licenseId;
            UserIds = userIds.ToArray();
            Source = source;
        }

        public string LicenseId { get; }

        public int UserCount => UserIds.Length;

        public string[] UserIds { get; }

        /// <summary>
        /// Where the data came from: "OrganizationEndpoint" (GET /license/organization) or "UserListing"
        /// (built from the paged GET /license/users, where the organization endpoint answers 404).
        /// </summary>
        public string Source { get; }

        public override string ToString() => LicenseId;
    }
}
