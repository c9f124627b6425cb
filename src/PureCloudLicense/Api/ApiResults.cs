using System.Collections.Generic;
using PureCloudLicense.Models;

namespace PureCloudLicense.Api
{
    /// <summary>The org a token belongs to, from GET /api/v2/organizations/me.</summary>
    internal sealed class OrganizationInfo
    {
        public OrganizationInfo(string? id, string? name)
        {
            Id = id;
            Name = name;
        }

        public string? Id { get; }

        public string? Name { get; }
    }

    /// <summary>One page of GET /api/v2/license/users.</summary>
    internal sealed class UserLicensePage
    {
        public UserLicensePage(IReadOnlyList<LicenseUser> users, int pageNumber, int pageSize, long? total, int? pageCount)
        {
            Users = users;
            PageNumber = pageNumber;
            PageSize = pageSize;
            Total = total;
            PageCount = pageCount;
        }

        public IReadOnlyList<LicenseUser> Users { get; }

        public int PageNumber { get; }

        public int PageSize { get; }

        /// <summary>Users in the org, when the service said.</summary>
        public long? Total { get; }

        public int? PageCount { get; }
    }
}
