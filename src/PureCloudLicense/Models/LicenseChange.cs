using System;

namespace PureCloudLicense.Models
{
    /// <summary>Whether a license is given to or taken from a user.</summary>
    public enum LicenseAction
    {
        Add,
        Remove,
    }

    /// <summary>One change asked for: give or take one license for one user. Sync-PCLicenseAssignment -WhatIf outputs its plan as these.</summary>
    public sealed class LicenseChange : IEquatable<LicenseChange>
    {
        public LicenseChange(string userId, string licenseId, LicenseAction action)
        {
            UserId = userId;
            LicenseId = licenseId;
            Action = action;
        }

        public string UserId { get; }

        public string LicenseId { get; }

        public LicenseAction Action { get; }

        public override string ToString() =>
            Action == LicenseAction.Add ? $"Add {LicenseId} to {UserId}" : $"Remove {LicenseId} from {UserId}";

        // User ids are GUIDs (case-insensitive); license ids are compared as the service spells them.
        public bool Equals(LicenseChange? other) =>
            other != null && Action == other.Action &&
            string.Equals(UserId, other.UserId, StringComparison.OrdinalIgnoreCase) &&
            string.Equals(LicenseId, other.LicenseId, StringComparison.Ordinal);

        public override bool Equals(object? obj) => Equals(obj as LicenseChange);

        public override int GetHashCode() =>
            (StringComparer.OrdinalIgnoreCase.GetHashCode(UserId) * 397) ^ StringComparer.Ordinal.GetHashCode(LicenseId) ^ (int)Action;
    }
}
