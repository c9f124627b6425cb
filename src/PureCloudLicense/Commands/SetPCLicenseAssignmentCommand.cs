using System;
using System.Collections.Generic;
using System.Linq;
using System.Management.Automation;
using PureCloudLicense.Models;

namespace PureCloudLicense.Commands
{
    /// <summary>
    /// <para type="synopsis">Adds and removes licenses for one user or many, in batches.</para>
    /// <para type="description">Takes user ids with -AddLicenseId and/or -RemoveLicenseId (both at once make a swap), or pipeline objects with UserId, LicenseId and Action (Add or Remove), such as the rows of a CSV file. All input is collected, de-duplicated, ordered (additions first, bases before their add-ons; then removals, add-ons before their base, so that upgrades to a bundle work) and sent as POST /api/v2/license/organization batches of at most -BatchSize changes: ten thousand changes are about one hundred requests. Outputs one LicenseAssignmentResult per change; each failed change is also a non-terminating error whose ErrorId names the result (UserNotFound, LicenseNotFound, PrerequisiteMissing, ...) and whose TargetObject is the result, so -ErrorVariable holds exactly the failures. When a batch fails for good, each of its changes gets an AssignmentNotApplied or AssignmentOutcomeUnknown error and the other batches still run; sending a batch again is safe, because assignment is set-valued. -WhatIf lists every change and sends nothing; -Confirm asks once per batch, not once per user.</para>
    /// <example><code>Set-PCLicenseAssignment -UserId $id -AddLicenseId cloudCX2</code></example>
    /// <example><code>Set-PCLicenseAssignment -UserId $ids -AddLicenseId cloudCX2 -RemoveLicenseId cloudCX1   # a swap</code></example>
    /// <example><code>Import-Csv changes.csv | Set-PCLicenseAssignment -ErrorVariable failed   # columns UserId,LicenseId,Action</code></example>
    /// <example><code>Get-PCLicenseUser | Where-Object LicenseIds -contains 'cloudCX1' | Set-PCLicenseAssignment -RemoveLicenseId cloudCX1 -WhatIf</code></example>
    /// </summary>
    [Cmdlet(VerbsCommon.Set, "PCLicenseAssignment", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.Medium, DefaultParameterSetName = RowSet)]
    [OutputType(typeof(LicenseAssignmentResult))]
    public sealed class SetPCLicenseAssignmentCommand : PCAssignmentCmdlet
    {
        private const string ChangeSet = "Change";
        private const string RowSet = "Row";

        private readonly List<LicenseChange> changes = new List<LicenseChange>();
        private readonly HashSet<LicenseChange> seen = new HashSet<LicenseChange>();

        /// <summary><para type="description">User ids (GUIDs). Binds from the pipeline by value and by property name (Id, UserId).</para></summary>
        [Parameter(Mandatory = true, Position = 0, ParameterSetName = ChangeSet, ValueFromPipeline = true, ValueFromPipelineByPropertyName = true)]
        [Parameter(Mandatory = true, ParameterSetName = RowSet, ValueFromPipelineByPropertyName = true)]
        [Alias("Id")]
        [AllowEmptyCollection]
        [AllowEmptyString]
        public string[] UserId { get; set; } = Array.Empty<string>();

        /// <summary><para type="description">Licenses to give each user.</para></summary>
        [Parameter(ParameterSetName = ChangeSet)]
        [ArgumentCompleter(typeof(LicenseIdCompleter))]
        [ValidateNotNullOrEmpty]
        public string[]? AddLicenseId { get; set; }

        /// <summary><para type="description">Licenses to take from each user.</para></summary>
        [Parameter(ParameterSetName = ChangeSet)]
        [ArgumentCompleter(typeof(LicenseIdCompleter))]
        [ValidateNotNullOrEmpty]
        public string[]? RemoveLicenseId { get; set; }

        /// <summary><para type="description">With -Action, from pipeline objects (a CSV row): the license to add or remove.</para></summary>
        [Parameter(Mandatory = true, ParameterSetName = RowSet, ValueFromPipelineByPropertyName = true)]
        [ArgumentCompleter(typeof(LicenseIdCompleter))]
        [AllowEmptyString]
        public string LicenseId { get; set; } = string.Empty;

        /// <summary><para type="description">With -LicenseId, from pipeline objects (a CSV row): Add or Remove (any case). A row with another word is an InvalidAction error naming it, and is not sent.</para></summary>
        // A string, not the enum: a CSV cell PowerShell cannot convert would otherwise surface as a confusing
        // "missing mandatory parameter" binding error instead of one that names the row and the word.
        [Parameter(Mandatory = true, ParameterSetName = RowSet, ValueFromPipelineByPropertyName = true)]
        [AllowEmptyString]
        public string Action { get; set; } = string.Empty;

        protected override void ProcessRecord()
        {
            if (ParameterSetName == RowSet)
            {
                var word = Action?.Trim();
                var isAdd = string.Equals(word, nameof(LicenseAction.Add), StringComparison.OrdinalIgnoreCase);
                if (!isAdd && !string.Equals(word, nameof(LicenseAction.Remove), StringComparison.OrdinalIgnoreCase))
                {
                    WriteError(ErrorRecords.Create("InvalidAction", ErrorCategory.InvalidArgument,
                        $"Action '{Action}' for user '{string.Join(", ", UserId)}' and license '{LicenseId}' is neither Add nor Remove. The change was not sent.",
                        Row(string.Join(", ", UserId), LicenseId, Action)));
                    return;
                }

                foreach (var user in UserId)
                {
                    Collect(user, LicenseId, isAdd ? LicenseAction.Add : LicenseAction.Remove);
                }

                return;
            }

            if ((AddLicenseId == null || AddLicenseId.Length == 0) && (RemoveLicenseId == null || RemoveLicenseId.Length == 0))
            {
                ThrowTerminatingError(ErrorRecords.Create("NoLicenseChange", ErrorCategory.InvalidArgument,
                    "Say what to change: -AddLicenseId, -RemoveLicenseId or both; or pipe objects with UserId, LicenseId and Action.", null));
            }

            foreach (var user in UserId)
            {
                foreach (var license in AddLicenseId ?? Array.Empty<string>())
                {
                    Collect(user, license, LicenseAction.Add);
                }

                foreach (var license in RemoveLicenseId ?? Array.Empty<string>())
                {
                    Collect(user, license, LicenseAction.Remove);
                }
            }
        }

        protected override void EndProcessing()
        {
            if (changes.Count == 0)
            {
                return;
            }

            var context = Connection;

            // Adding and removing the same license for the same user in one run has no meaning: neither is sent.
            var conflicting = new HashSet<LicenseChange>(changes
                .GroupBy(c => (User: c.UserId.ToLowerInvariant(), c.LicenseId))
                .Where(g => g.Select(c => c.Action).Distinct().Count() > 1)
                .SelectMany(g => g));
            foreach (var change in conflicting)
            {
                WriteRefused(new LicenseAssignmentResult(change, LicenseAssignmentResult.ConflictingChange,
                    "The same run both adds and removes this license for this user; neither change was sent."));
            }

            var toSend = changes.Where(c => !conflicting.Contains(c)).ToList();
            if (IsWhatIf())
            {
                foreach (var change in toSend)
                {
                    ShouldProcess($"user {change.UserId}", $"{change.Action} license {change.LicenseId}");
                }

                return;
            }

            Apply(context, toSend);
        }

        /// <summary>
        /// The change as it was given, for an error's TargetObject: rows refused here have the same UserId, LicenseId
        /// and Action columns as the results, so "$failed.TargetObject | Export-Csv" holds every change not made.
        /// </summary>
        private static PSObject Row(string? userId, string? licenseId, string? action)
        {
            var row = new PSObject();
            row.Properties.Add(new PSNoteProperty("UserId", userId));
            row.Properties.Add(new PSNoteProperty("LicenseId", licenseId));
            row.Properties.Add(new PSNoteProperty("Action", action));
            return row;
        }

        private void Collect(string? user, string? license, LicenseAction action)
        {
            var userId = user?.Trim();
            var licenseId = license?.Trim();
            if (!ErrorRecords.IsUserId(userId))
            {
                WriteError(ErrorRecords.InvalidUserId(user, Row(user, license, action.ToString()), $"The change ({action} {license}) was not sent."));
                return;
            }

            if (string.IsNullOrEmpty(licenseId))
            {
                WriteError(ErrorRecords.Create("InvalidLicenseId", ErrorCategory.InvalidArgument,
                    $"The license id for user '{userId}' is empty. The change was not sent.", Row(user, license, action.ToString())));
                return;
            }

            var change = new LicenseChange(userId!, licenseId!, action);
            if (seen.Add(change))
            {
                changes.Add(change);
            }
        }
    }
}
