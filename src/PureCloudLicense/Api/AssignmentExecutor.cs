using System;
using System.Collections.Generic;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using PureCloudLicense.Models;

namespace PureCloudLicense.Api
{
    /// <summary>
    /// Sends planned batches, phase after phase, a few batches of a phase at once, and turns every change into a
    /// LicenseAssignmentResult: the service's word where it gave one, else the module's (NotApplied, OutcomeUnknown,
    /// NoStatusReturned). A batch that fails for good does not stop the others. A batch the service finds too large
    /// (413, or 400 constraint.validation) is split in halves and sent again, since no maximum is published.
    /// </summary>
    public static class AssignmentExecutor
    {
        public static async Task RunAsync(
            LicenseApiClient api,
            IReadOnlyList<AssignmentBatch> batches,
            int parallelism,
            Action<AssignmentBatch> onSending,
            Action<AssignmentBatch, IReadOnlyList<LicenseAssignmentResult>, Exception?> onCompleted,
            CancellationToken cancellationToken)
        {
            foreach (var phase in batches.GroupBy(b => b.Phase).OrderBy(g => g.Key))
            {
                await Batching.RunOrderedAsync(
                    phase,
                    parallelism,
                    (batch, ct) =>
                    {
                        onSending(batch);
                        return SendSplittingAsync(api, batch.Changes, ct);
                    },
                    (batch, results, failure) =>
                    {
                        if (failure != null)
                        {
                            var word = failure is GenesysApiException { MayHaveBeenApplied: true }
                                ? LicenseAssignmentResult.OutcomeUnknown
                                : LicenseAssignmentResult.NotApplied;
                            onCompleted(batch, batch.Changes.Select(c => new LicenseAssignmentResult(c, word, failure.Message)).ToList(), failure);
                        }
                        else
                        {
                            onCompleted(batch, results!, null);
                        }
                    },
                    cancellationToken).ConfigureAwait(false);
            }
        }

        private static async Task<IReadOnlyList<LicenseAssignmentResult>> SendSplittingAsync(LicenseApiClient api, IReadOnlyList<LicenseChange> changes, CancellationToken cancellationToken)
        {
            IReadOnlyList<LicenseUpdateStatus> statuses;
            try
            {
                statuses = await api.UpdateAssignmentsAsync(changes, cancellationToken).ConfigureAwait(false);
            }
            catch (GenesysApiException ex) when (changes.Count > 1 && IsTooLarge(ex))
            {
                ApiTrace.Current?.Verbose($"The service refused a batch of {changes.Count} changes as too large ({ex.StatusCode} {ex.ErrorCode}); sending it in two halves.");
                var half = changes.Count / 2;
                var first = await SendSplittingAsync(api, changes.Take(half).ToList(), cancellationToken).ConfigureAwait(false);
                var second = await SendSplittingAsync(api, changes.Skip(half).ToList(), cancellationToken).ConfigureAwait(false);
                return first.Concat(second).ToList();
            }

            return Match(changes, statuses);
        }

        private static bool IsTooLarge(GenesysApiException ex) =>
            ex.StatusCode == 413 || (ex.StatusCode == 400 && string.Equals(ex.ErrorCode, "constraint.validation", StringComparison.OrdinalIgnoreCase));

        /// <summary>Pairs each change with the service's status for its (user, license); a batch holds each pair once.</summary>
        private static IReadOnlyList<LicenseAssignmentResult> Match(IReadOnlyList<LicenseChange> changes, IReadOnlyList<LicenseUpdateStatus> statuses)
        {
            var byPair = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
            foreach (var status in statuses)
            {
                byPair[Key(status.UserId, status.LicenseId)] = status.Result;
            }

            return changes.Select(c => byPair.TryGetValue(Key(c.UserId, c.LicenseId), out var word)
                    ? new LicenseAssignmentResult(c, word)
                    : new LicenseAssignmentResult(c, LicenseAssignmentResult.NoStatusReturned, "The service's answer had no status for this change; it may or may not have been applied."))
                .ToList();
        }

        private static string Key(string userId, string licenseId) => userId + "\n" + licenseId;
    }

    /// <summary>The service's status for one (user, license) of a batch.</summary>
    public sealed class LicenseUpdateStatus
    {
        public LicenseUpdateStatus(string userId, string licenseId, string result)
        {
            UserId = userId;
            LicenseId = licenseId;
            Result = result;
        }

        public string UserId { get; }

        public string LicenseId { get; }

        public string Result { get; }
    }
}
