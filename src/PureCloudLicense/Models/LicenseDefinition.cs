using System;
using System.Collections.Generic;

namespace PureCloudLicense.Models
{
    /// <summary>A license product the org can assign: its id, what it grants, what it needs and what it bundles.</summary>
    public sealed class LicenseDefinition
    {
        public LicenseDefinition(
            string id,
            string? description,
            IReadOnlyList<string>? permissions,
            IReadOnlyList<string>? prerequisiteIds,
            IReadOnlyList<LicenseDefinition>? comprises,
            string? selfUri)
        {
            Id = id;
            Description = description;
            Permissions = ToArray(permissions);
            PrerequisiteIds = ToArray(prerequisiteIds);
            Comprises = comprises == null ? Array.Empty<LicenseDefinition>() : ToArray(comprises);
            SelfUri = selfUri;
        }

        /// <summary>The license id, a readable product code such as cloudCX2 (not always a GUID).</summary>
        public string Id { get; }

        /// <summary>Alias of Id, so a definition binds to -LicenseId by property name.</summary>
        public string LicenseId => Id;

        public string? Description { get; }

        /// <summary>Permission ids the license grants.</summary>
        public string[] Permissions { get; }

        /// <summary>Licenses a user must hold before this one can be assigned (an add-on's base).</summary>
        public string[] PrerequisiteIds { get; }

        /// <summary>For a bundle, the licenses it comprises.</summary>
        public LicenseDefinition[] Comprises { get; }

        public string? SelfUri { get; }

        public override string ToString() => Id;

        private static T[] ToArray<T>(IReadOnlyList<T>? items)
        {
            if (items == null || items.Count == 0)
            {
                return Array.Empty<T>();
            }

            var array = new T[items.Count];
            for (var i = 0; i < array.Length; i++)
            {
                array[i] = items[i];
            }

            return array;
        }
    }
}
