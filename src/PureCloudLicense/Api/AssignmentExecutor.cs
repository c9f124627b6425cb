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
    /// (413, or 400 constraint.validation) is split in halves and each half is sent and judged on its own, since no
    /// maximum is published; a lone change it still refuses fails alone.
    /// </summary>
    internal static class AssignmentExecutor
    {
        public static async Task RunAsync(
            LicenseApiClient api,
            IReadOnlyList<AssignmentBatch> batches,
            int parallelism,
            Action<AssignmentBatch> onSending,
            Action<AssignmentBatch, IReadOnlyList<LicenseAssignmentResult>> onCompleted,
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
                        return SendAsync(api, batch.Changes, ct);
                    },
                    (batch, results, failure) => onCompleted(batch, results ?? Failed(batch.Changes, failure!)),
                    cancellationToken).ConfigureAwait(false);
            }
        }

        /// <summary>Never throws but for cancellation: a failure becomes failed results for exactly the changes it concerns.</summary>
        private static async Task<IReadOnlyList<LicenseAssignmentResult>> SendAsync(LicenseApiClient api, IReadOnlyList<LicenseChange> changes, CancellationToken cancellationToken)
        {
            try
            {
                var statuses = await api.UpdateAssignmentsAsync(changes, cancellationToken).ConfigureAwait(false);
                return Match(changes, statuses);
            }
            catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
            {
                throw;
            }
            catch (GenesysApiException ex) when (changes.Count > 1 && IsTooLarge(ex))
            {
                ApiTrace.Current?.Verbose($"The service refused a batch of {changes.Count} changes as too large ({ex.StatusCode} {ex.ErrorCode}); sending it in two halves.");
                var half = changes.Count / 2;
                var first = await SendAsync(api, changes.Take(half).ToList(), cancellationToken).ConfigureAwait(false);
                var second = await SendAsync(api, changes.Skip(half).ToList(), cancellationToken).ConfigureAwait(false);
                return first.Concat(second).ToList();
            }
            catch (Exception ex)
            {
                return Failed(changes, ex);
            }
        }

        private static IReadOnlyList<LicenseAssignmentResult> Failed(IReadOnlyList<LicenseChange> changes, Exception failure)
        {
            var word = DefinitelyNotApplied(failure) ? LicenseAssignmentResult.NotApplied : LicenseAssignmentResult.OutcomeUnknown;
            return changes.Select(c => new LicenseAssignmentResult(c, word, failure.Message, failure)).ToList();
        }

        /// <summary>
        /// Only a refusal the service states before doing anything (a 4xx other than 408, a 503, a rejected
        /// token) proves the batch was not applied. Anything else — a gateway error, a timeout, a lost connection,
        /// an unreadable answer, a cancelled request — may have reached the service and been applied.
        /// </summary>
        private static bool DefinitelyNotApplied(Exception failure)
        {
            if (!(failure is GenesysApiException api))
            {
                return false;
            }

            switch (api.Kind)
            {
                case ApiFailureKind.AuthenticationFailed:
                case ApiFailureKind.AccessTokenRejected:
                    return true;
                case ApiFailureKind.HttpStatus:
                    var status = api.StatusCode ?? 0;
                    return (status >= 400 && status < 500 && status != 408) || status == 503;
                default:
                    return false;
            }
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
    internal sealed class LicenseUpdateStatus
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
