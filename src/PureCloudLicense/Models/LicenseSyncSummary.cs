namespace PureCloudLicense.Models
{
    /// <summary>What Sync-PCLicenseAssignment did, written to the information stream (tag Summary) at the end of a run.</summary>
    public sealed class LicenseSyncSummary
    {
        public LicenseSyncSummary(int added, int removed, int unchanged, int failed)
        {
            Added = added;
            Removed = removed;
            Unchanged = unchanged;
            Failed = failed;
        }

        public int Added { get; }

        public int Removed { get; }

        /// <summary>Desired (user, license) pairs that already held.</summary>
        public int Unchanged { get; }

        /// <summary>Changes that did not succeed, plus the desired licenses of input users the org does not have.</summary>
        public int Failed { get; }

        public override string ToString() => $"Added {Added}, removed {Removed}, unchanged {Unchanged}, failed {Failed}.";
    }
}
