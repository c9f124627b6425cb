using System;
using System.Collections.Generic;

namespace PureCloudLicense.Models
{
    /// <summary>
    /// The licenses one user holds. LicenseIds is always filled; Licenses holds the full definitions only when the
    /// service sent them (the batched read does, the paged org-wide listing sends ids only).
    /// </summary>
    public sealed class LicenseUser
    {
        public LicenseUser(string userId, IReadOnlyList<string> licenseIds, IReadOnlyList<LicenseDefinition>? licenses, string? selfUri)
        {
            UserId = userId;
            LicenseIds = Copy(licenseIds);
            Licenses = licenses == null ? Array.Empty<LicenseDefinition>() : Copy(licenses);
            SelfUri = selfUri;
        }

        public string UserId { get; }

        public string[] LicenseIds { get; }

        /// <summary>The definitions of the held licenses, when the service sent them; empty otherwise.</summary>
        public LicenseDefinition[] Licenses { get; }

        public string? SelfUri { get; }

        public override string ToString() => UserId;

        private static T[] Copy<T>(IReadOnlyList<T> items)
        {
            var array = new T[items.Count];
            for (var i = 0; i < array.Length; i++)
            {
                array[i] = items[i];
            }

            return array;
        }
    }
}
