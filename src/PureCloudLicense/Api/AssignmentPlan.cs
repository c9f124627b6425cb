using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using PureCloudLicense.Models;

namespace PureCloudLicense.Api
{
    /// <summary>One POST /api/v2/license/organization: at most the batch size of changes, grouped by license.</summary>
    internal sealed class AssignmentBatch
    {
        public AssignmentBatch(int number, int phase, IReadOnlyList<LicenseChange> changes)
        {
            Number = number;
            Phase = phase;
            Changes = changes;
        }

        /// <summary>1-based, in sending order.</summary>
        public int Number { get; }

        /// <summary>Batches of a phase are sent only after every batch of the phases before it is done.</summary>
        public int Phase { get; }

        public IReadOnlyList<LicenseChange> Changes { get; }

        /// <summary>"cloudCX1 +40 -0, wem_addon_i +10 -0 (50 changes)" — for -Confirm and -Verbose.</summary>
        public string Describe()
        {
            var perLicense = Changes.GroupBy(c => c.LicenseId, StringComparer.Ordinal).Select(g => string.Format(
                CultureInfo.InvariantCulture,
                "{0} +{1} -{2}",
                g.Key,
                g.Count(c => c.Action == LicenseAction.Add),
                g.Count(c => c.Action == LicenseAction.Remove)));
            return string.Join(", ", perLicense) + string.Format(CultureInfo.InvariantCulture, " ({0} changes)", Changes.Count);
        }
    }

    /// <summary>
    /// Orders and batches license changes. Additions go first, bases before the add-ons that need them; then
    /// removals, add-ons before their base. Adding first means a user is never left without a license mid-run, and
    /// an upgrade (say cloudCX3 to the cloudCX4 bundle that comprises it, for a user whose add-on needs cloudCX3)
    /// succeeds: by the time cloudCX3 is removed, the bundle already satisfies the add-on. Each depth of the
    /// prerequisite graph is a phase of its own, because nothing documents whether the service judges
    /// prerequisites within one request or change by change; this order works either way.
    /// </summary>
    internal static class AssignmentPlanner
    {
        public static IReadOnlyList<AssignmentBatch> Plan(
            IEnumerable<LicenseChange> changes,
            IReadOnlyDictionary<string, IReadOnlyList<string>> prerequisites,
            int batchSize)
        {
            if (batchSize < 1)
            {
                throw new ArgumentOutOfRangeException(nameof(batchSize), batchSize, "A batch holds at least one change.");
            }

            var list = changes.ToList();
            var depths = new Dictionary<string, int>(StringComparer.Ordinal);
            foreach (var licenseId in list.Select(c => c.LicenseId).Distinct(StringComparer.Ordinal))
            {
                Depth(licenseId, prerequisites, depths, new HashSet<string>(StringComparer.Ordinal));
            }

            var maxDepth = depths.Count == 0 ? 0 : depths.Values.Max();
            int PhaseOf(LicenseChange c) =>
                c.Action == LicenseAction.Add ? depths[c.LicenseId] : maxDepth + 1 + (maxDepth - depths[c.LicenseId]);

            var batches = new List<AssignmentBatch>();
            foreach (var phase in list.GroupBy(PhaseOf).OrderBy(g => g.Key))
            {
                // Same license together keeps requests small: one LicenseAssignmentRequest per license.
                var ordered = phase.OrderBy(c => c.LicenseId, StringComparer.Ordinal).ThenBy(c => c.Action);
                foreach (var chunk in Batching.Chunk(ordered, batchSize))
                {
                    batches.Add(new AssignmentBatch(batches.Count + 1, phase.Key, chunk));
                }
            }

            return batches;
        }

        /// <summary>0 for a license that needs nothing, else one more than its deepest prerequisite. Cycles count as 0.</summary>
        private static int Depth(string licenseId, IReadOnlyDictionary<string, IReadOnlyList<string>> prerequisites, Dictionary<string, int> depths, HashSet<string> visiting)
        {
            if (depths.TryGetValue(licenseId, out var known))
            {
                return known;
            }

            var depth = 0;
            if (visiting.Add(licenseId) && prerequisites.TryGetValue(licenseId, out var needs))
            {
                foreach (var need in needs)
                {
                    if (!visiting.Contains(need))
                    {
                        depth = Math.Max(depth, 1 + Depth(need, prerequisites, depths, visiting));
                    }
                }
            }

            visiting.Remove(licenseId);
            depths[licenseId] = depth;
            return depth;
        }
    }
}
