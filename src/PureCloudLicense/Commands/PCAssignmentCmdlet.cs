using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using System.Management.Automation;
using PureCloudLicense.Api;
using PureCloudLicense.Models;

namespace PureCloudLicense.Commands
{
    /// <summary>
    /// What Set- and Sync-PCLicenseAssignment share: ordering and batching the changes, asking -Confirm per batch,
    /// sending the batches, and accounting for every change with a result, plus an error record for each failure.
    /// </summary>
    public abstract class PCAssignmentCmdlet : PCConnectedCmdlet
    {
        private const string Activity = "Changing license assignments";

        /// <summary><para type="description">Changes per POST /api/v2/license/organization. Default 100 (no maximum is published; a batch the service refuses as too large is split).</para></summary>
        [Parameter]
        [ValidateRange(1, 1000)]
        public int BatchSize { get; set; } = 100;

        /// <summary><para type="description">Batches in flight at once. Default 4; pacing keeps them under the rate limit.</para></summary>
        [Parameter]
        [ValidateRange(1, 16)]
        public int ThrottleLimit { get; set; } = 4;

        /// <summary>True under -WhatIf or $WhatIfPreference.</summary>
        protected bool IsWhatIf()
        {
            if (MyInvocation.BoundParameters.TryGetValue("WhatIf", out var value))
            {
                return value is SwitchParameter flag ? flag.IsPresent : LanguagePrimitives.IsTrue(value);
            }

            return LanguagePrimitives.IsTrue(SessionState.PSVariable.GetValue("WhatIfPreference"));
        }

        /// <summary>
        /// Sends the changes and writes one LicenseAssignmentResult per change, and an error record per failed one.
        /// Returns the results, for summaries.
        /// </summary>
        internal IReadOnlyList<LicenseAssignmentResult> Apply(PCContext context, IReadOnlyList<LicenseChange> changes)
        {
            var results = new List<LicenseAssignmentResult>();
            if (changes.Count == 0)
            {
                return results;
            }

            IReadOnlyDictionary<string, IReadOnlyList<string>> prerequisites = new Dictionary<string, IReadOnlyList<string>>();
            Run(async (output, token) =>
            {
                try
                {
                    var definitions = await context.Definitions.GetAsync(token).ConfigureAwait(false);
                    prerequisites = definitions
                        .GroupBy(d => d.Id, StringComparer.Ordinal)
                        .ToDictionary(g => g.Key, g => (IReadOnlyList<string>)g.First().PrerequisiteIds, StringComparer.Ordinal);
                }
                catch (Exception ex) when (!(ex is OperationCanceledException))
                {
                    // Ordering is a refinement: without the definitions every change is still sent and accounted for.
                    output.WriteWarning($"The license definitions could not be read, so changes are sent without ordering add-ons after their base: {ex.Message}");
                }
            });

            var planned = AssignmentPlanner.Plan(changes, prerequisites, BatchSize);

            // -Confirm asks once per batch, here on the pipeline thread, before anything is sent.
            var approved = new List<AssignmentBatch>();
            foreach (var batch in planned)
            {
                var action = string.Format(CultureInfo.InvariantCulture, "Send license batch {0} of {1}", batch.Number, planned.Count);
                if (ShouldProcess(batch.Describe(), action))
                {
                    approved.Add(batch);
                }
                else
                {
                    // Declining is the user's choice, not a failure: each change still gets its result.
                    WriteVerbose($"Batch {batch.Number} declined: its {batch.Changes.Count} changes were not sent.");
                    foreach (var change in batch.Changes)
                    {
                        var declined = new LicenseAssignmentResult(change, LicenseAssignmentResult.Declined, "Declined at the confirmation prompt; not sent.");
                        results.Add(declined);
                        WriteObject(declined);
                    }
                }
            }

            var done = 0;
            Run((output, token) => AssignmentExecutor.RunAsync(
                context.Api,
                approved,
                ThrottleLimit,
                batch => output.Verbose(string.Format(CultureInfo.InvariantCulture, "Sending batch {0} of {1}: {2}", batch.Number, planned.Count, batch.Describe())),
                (batch, batchResults) =>
                {
                    done++;
                    foreach (var result in batchResults)
                    {
                        results.Add(result);
                        output.WriteObject(result);
                        if (!result.Succeeded)
                        {
                            output.WriteError(FailureRecord(result));
                        }
                    }

                    if (approved.Count > 1)
                    {
                        output.WriteProgress(new ProgressRecord(2, Activity, string.Format(CultureInfo.InvariantCulture, "Batch {0} of {1} done", done, approved.Count))
                        {
                            PercentComplete = done * 100 / approved.Count,
                        });
                    }
                },
                token));
            if (approved.Count > 1)
            {
                WriteProgress(new ProgressRecord(2, Activity, "Done") { RecordType = ProgressRecordType.Completed });
            }

            return results;
        }

        /// <summary>Writes a change that was refused before sending (conflict, unknown user) as a result and an error.</summary>
        internal void WriteRefused(LicenseAssignmentResult result)
        {
            WriteObject(result);
            WriteError(FailureRecord(result));
        }

        /// <summary>The error for one failed change: ErrorId names the result, the result is the TargetObject.</summary>
        private static ErrorRecord FailureRecord(LicenseAssignmentResult result)
        {
            var batchFailure = result.Failure;
            var verb = result.Action == LicenseAction.Add ? $"add license '{result.LicenseId}' to" : $"remove license '{result.LicenseId}' from";
            string message;
            string errorId;
            ErrorCategory category;
            if (batchFailure != null)
            {
                var mayHave = result.Result == LicenseAssignmentResult.OutcomeUnknown;
                message = $"Could not {verb} user '{result.UserId}': the batch failed, so the change {(mayHave ? "may or may not have been applied" : "was not applied")}. Sending it again is safe. {batchFailure.Message}";
                errorId = mayHave ? "AssignmentOutcomeUnknown" : "AssignmentNotApplied";
                category = batchFailure is GenesysApiException api ? ErrorRecords.CategoryOf(api) : ErrorCategory.ConnectionError;
            }
            else
            {
                message = $"Could not {verb} user '{result.UserId}': {result.Result}." + (result.Message == null ? string.Empty : " " + result.Message);
                errorId = ErrorIdOf(result.Result);
                category = CategoryOf(result.Result);
            }

            return ErrorRecords.Create(errorId, category, message, result, batchFailure);
        }

        /// <summary>The result word as an ErrorId: letters and digits only, so "User Not Found" becomes UserNotFound.</summary>
        private static string ErrorIdOf(string result)
        {
            var id = new string(result.Where(char.IsLetterOrDigit).ToArray());
            return id.Length == 0 ? "AssignmentFailed" : id;
        }

        private static ErrorCategory CategoryOf(string result)
        {
            if (result.IndexOf("NotFound", StringComparison.OrdinalIgnoreCase) >= 0)
            {
                return ErrorCategory.ObjectNotFound;
            }

            if (result.IndexOf("Conflict", StringComparison.OrdinalIgnoreCase) >= 0)
            {
                return ErrorCategory.InvalidArgument;
            }

            return ErrorCategory.InvalidOperation;
        }
    }
}
