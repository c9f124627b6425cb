using System;
using System.Linq;

namespace PureCloudLicense.Models
{
    /// <summary>
    /// What became of one change: the service's own word in Result (its vocabulary is not published, so it is kept
    /// as sent) and Succeeded, true only for a word that means success. Changes that never got a word from the
    /// service carry one of this module's: NotApplied, OutcomeUnknown, NoStatusReturned, ConflictingChange, Declined.
    /// </summary>
    public sealed class LicenseAssignmentResult
    {
        /// <summary>The batch failed before the service applied it (a 4xx, or a 5xx that says nothing was done).</summary>
        public const string NotApplied = "NotApplied";

        /// <summary>The batch failed in a way that it may or may not have been applied (connection lost, gateway timeout).</summary>
        public const string OutcomeUnknown = "OutcomeUnknown";

        /// <summary>The service answered the batch but said nothing about this change.</summary>
        public const string NoStatusReturned = "NoStatusReturned";

        /// <summary>The same user and license were both added and removed in one run; neither was sent.</summary>
        public const string ConflictingChange = "ConflictingChange";

        /// <summary>The user answered No at -Confirm for the change's batch; it was not sent (and is not an error).</summary>
        public const string Declined = "Declined";

        private static readonly string[] SuccessWords = { "Success", "Succeeded", "Successful", "OK" };

        public LicenseAssignmentResult(LicenseChange change, string result, string? message = null)
            : this(change, result, message, null)
        {
        }

        internal LicenseAssignmentResult(LicenseChange change, string result, string? message, Exception? failure)
        {
            Failure = failure;
            UserId = change.UserId;
            LicenseId = change.LicenseId;
            Action = change.Action;
            Result = result;
            Succeeded = IsSuccess(result);
            Message = message;
        }

        public string UserId { get; }

        public string LicenseId { get; }

        public LicenseAction Action { get; }

        /// <summary>The service's word for this change (e.g. Success, UserNotFound, PrerequisiteMissing), or the module's.</summary>
        public string Result { get; }

        public bool Succeeded { get; }

        /// <summary>Why it failed, when the module knows more than the word (the batch's error, with its correlation id).</summary>
        public string? Message { get; }

        /// <summary>The exception that kept the change's batch from an answer, for the error record.</summary>
        internal Exception? Failure { get; }

        public override string ToString() => $"{Action} {LicenseId} {(Action == LicenseAction.Add ? "to" : "from")} {UserId}: {Result}";

        /// <summary>Case-insensitive, as license-api.md asks: the service's words are not published.</summary>
        public static bool IsSuccess(string? result) =>
            result != null && SuccessWords.Any(word => string.Equals(word, result.Trim(), StringComparison.OrdinalIgnoreCase));
    }
}
