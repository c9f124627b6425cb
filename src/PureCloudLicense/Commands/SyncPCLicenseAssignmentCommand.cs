using System;
using System.Collections;
using System.Collections.Generic;
using System.Linq;
using System.Management.Automation;
using PureCloudLicense.Api;
using PureCloudLicense.Models;

namespace PureCloudLicense.Commands
{
    /// <summary>
    /// <para type="synopsis">Makes the org's license assignments match a desired state, with the fewest changes.</para>
    /// <para type="description">The desired state comes from the pipeline: objects with UserId and LicenseId, one row per pair (Import-Csv of a UserId,LicenseId file), or UserId with a list of license ids (LicenseId or LicenseIds; a text cell may hold several ids separated by ';' or ','). Only the managed licenses are touched: those named by -LicenseId or, without it, those in the input. Users absent from the input are untouched unless -RemoveFromUnlisted is given: then the managed licenses are removed from every other user holding them. The current state is read with the batched user read (or, with -RemoveFromUnlisted, the paged listing of every user), the difference is applied like Set-PCLicenseAssignment, and a summary (added, removed, unchanged, failed) goes to the information stream (tag Summary) and the verbose stream. A second run with the same input changes nothing. -WhatIf outputs the plan as LicenseChange objects (UserId, LicenseId, Action) and changes nothing.</para>
    /// <example><code>Import-Csv desired.csv | Sync-PCLicenseAssignment -LicenseId cloudCX2, wem_addon_ii -WhatIf</code></example>
    /// <example><code>Import-Csv desired.csv | Sync-PCLicenseAssignment -LicenseId cloudCX2 -RemoveFromUnlisted -InformationVariable summary</code></example>
    /// </summary>
    [Cmdlet(VerbsData.Sync, "PCLicenseAssignment", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.Medium)]
    [OutputType(typeof(LicenseAssignmentResult), typeof(LicenseChange))]
    public sealed class SyncPCLicenseAssignmentCommand : PCAssignmentCmdlet
    {
        private static readonly char[] Separators = { ';', ',' };

        private readonly Dictionary<string, HashSet<string>> desired = new Dictionary<string, HashSet<string>>(StringComparer.OrdinalIgnoreCase);
        private int invalidRows;

        /// <summary><para type="description">A desired-state row: an object with UserId (or Id) and LicenseId (or LicenseIds).</para></summary>
        [Parameter(Mandatory = true, ValueFromPipeline = true)]
        [AllowNull]
        public PSObject? InputObject { get; set; }

        /// <summary><para type="description">The licenses to manage. Default: every license named in the input. Other licenses are never touched.</para></summary>
        [Parameter(Position = 0)]
        [ArgumentCompleter(typeof(LicenseIdCompleter))]
        [ValidateNotNullOrEmpty]
        public string[]? LicenseId { get; set; }

        /// <summary><para type="description">Also remove the managed licenses from every user who is not in the input. Refused when the input is empty or has rows that could not be read (their users would count as unlisted), unless -Force is given.</para></summary>
        [Parameter]
        public SwitchParameter RemoveFromUnlisted { get; set; }

        /// <summary><para type="description">With -RemoveFromUnlisted, go ahead even with an empty input or with rows that could not be read.</para></summary>
        [Parameter]
        public SwitchParameter Force { get; set; }

        protected override void ProcessRecord()
        {
            if (InputObject == null)
            {
                return;
            }

            var userId = ReadString(InputObject, "UserId") ?? ReadString(InputObject, "Id");
            if (!ErrorRecords.IsUserId(userId))
            {
                WriteError(ErrorRecords.InvalidUserId(userId, InputObject, "The row was ignored, so that user is not synchronized."));
                invalidRows++;
                return;
            }

            var id = userId!.Trim();
            if (!desired.TryGetValue(id, out var licenses))
            {
                desired[id] = licenses = new HashSet<string>(StringComparer.Ordinal);
            }

            foreach (var licenseId in ReadLicenseIds(InputObject))
            {
                licenses.Add(licenseId);
            }
        }

        protected override void EndProcessing()
        {
            var context = Connection;
            if (RemoveFromUnlisted && !Force && (desired.Count == 0 || invalidRows > 0))
            {
                // Every user missing from the input loses the managed licenses: an empty file or a row that could
                // not be read would take them from people who were meant to keep them.
                ThrowTerminatingError(ErrorRecords.Create(
                    "UnsafeRemoveFromUnlisted",
                    ErrorCategory.InvalidArgument,
                    desired.Count == 0
                        ? "The input holds no user, so -RemoveFromUnlisted would remove the managed licenses from everyone who holds them. Nothing was changed; add -Force if that is really meant."
                        : $"{invalidRows} input row(s) could not be read, so with -RemoveFromUnlisted their users would lose the managed licenses. Nothing was changed; fix the rows, or add -Force.",
                    null));
            }

            var managed = new HashSet<string>(
                LicenseId?.Select(id => id.Trim()) ?? desired.Values.SelectMany(set => set),
                StringComparer.Ordinal);
            if (managed.Count == 0)
            {
                WriteWarning("No license to manage: name them with -LicenseId or in the input. Nothing was changed.");
                return;
            }

            var ignored = desired.Values.SelectMany(set => set).Where(id => !managed.Contains(id)).Distinct(StringComparer.Ordinal).ToList();
            if (ignored.Count > 0)
            {
                WriteWarning($"The input names licenses outside -LicenseId, which are not managed and were left as they are: {string.Join(", ", ignored)}.");
            }

            var current = ReadCurrentState(context);
            var plan = new List<LicenseChange>();
            var unchanged = 0;
            var notFound = 0;
            foreach (var entry in desired)
            {
                if (!current.TryGetValue(entry.Key, out var held))
                {
                    WriteError(ErrorRecords.UserNotFound(entry.Key, "Its desired licenses were not applied."));
                    notFound += Math.Max(1, entry.Value.Count(managed.Contains));
                    continue;
                }

                var want = entry.Value.Where(managed.Contains).ToList();
                unchanged += want.Count(held.Contains);
                plan.AddRange(want.Where(id => !held.Contains(id)).Select(id => new LicenseChange(entry.Key, id, LicenseAction.Add)));
                plan.AddRange(held.Where(id => managed.Contains(id) && !entry.Value.Contains(id)).Select(id => new LicenseChange(entry.Key, id, LicenseAction.Remove)));
            }

            if (RemoveFromUnlisted)
            {
                foreach (var entry in current.Where(e => !desired.ContainsKey(e.Key)))
                {
                    plan.AddRange(entry.Value.Where(managed.Contains).Select(id => new LicenseChange(entry.Key, id, LicenseAction.Remove)));
                }
            }

            WriteVerbose($"Plan: {plan.Count(c => c.Action == LicenseAction.Add)} to add, {plan.Count(c => c.Action == LicenseAction.Remove)} to remove, {unchanged} already as desired.");
            if (IsWhatIf())
            {
                foreach (var change in plan)
                {
                    WriteObject(change);
                }

                ShouldProcess($"{plan.Count} license changes for managed licenses {string.Join(", ", managed)}", "Synchronize license assignments");
                return;
            }

            var results = Apply(context, plan);
            var summary = new LicenseSyncSummary(
                results.Count(r => r.Succeeded && r.Action == LicenseAction.Add),
                results.Count(r => r.Succeeded && r.Action == LicenseAction.Remove),
                unchanged,
                results.Count(r => !r.Succeeded && r.Result != LicenseAssignmentResult.Declined) + notFound);
            WriteVerbose(summary.ToString());
            WriteInformation(summary, new[] { "Summary" });
        }

        /// <summary>User id → held license ids: every user with -RemoveFromUnlisted (paged), else the input's users (batched).</summary>
        private Dictionary<string, HashSet<string>> ReadCurrentState(PCContext context)
        {
            var current = new Dictionary<string, HashSet<string>>(StringComparer.OrdinalIgnoreCase);
            void Add(LicenseUser user) => current[user.UserId] = new HashSet<string>(user.LicenseIds, StringComparer.Ordinal);

            if (RemoveFromUnlisted)
            {
                Run((output, token) => UserListing.ReadAllOrFailAsync(
                    context.Api,
                    ThrottleLimit,
                    (page, pageCount) =>
                    {
                        foreach (var user in page.Users)
                        {
                            Add(user);
                        }
                    },
                    token));
                return current;
            }

            var batches = Batching.Chunk(desired.Keys, BatchSize).ToList();
            Run((output, token) => Batching.RunOrderedAsync(
                batches,
                ThrottleLimit,
                (batch, ct) => context.Api.GetUsersAsync((IReadOnlyCollection<string>)batch, ct),
                (batch, users, failure) =>
                {
                    if (failure != null)
                    {
                        // Without the current state the difference cannot be computed: stop rather than guess.
                        System.Runtime.ExceptionServices.ExceptionDispatchInfo.Capture(failure).Throw();
                    }

                    foreach (var user in users!.Values)
                    {
                        Add(user);
                    }
                },
                token));
            return current;
        }

        private static string? ReadString(PSObject row, string name)
        {
            var value = row.Properties[name]?.Value;
            if (value is PSObject wrapped)
            {
                value = wrapped.BaseObject;
            }

            return value?.ToString();
        }

        /// <summary>LicenseId or LicenseIds: a string (possibly "a;b"), or a list of strings or of objects with Id.</summary>
        private static IEnumerable<string> ReadLicenseIds(PSObject row)
        {
            var value = row.Properties["LicenseId"]?.Value ?? row.Properties["LicenseIds"]?.Value;
            if (value is PSObject wrapped)
            {
                value = wrapped.BaseObject;
            }

            var items = value is string || value == null ? new[] { value } : (value as IEnumerable)?.Cast<object?>() ?? new[] { value };
            foreach (var item in items)
            {
                var text = item is PSObject inner ? (inner.Properties["Id"]?.Value ?? inner.BaseObject)?.ToString() : item?.ToString();
                foreach (var part in (text ?? string.Empty).Split(Separators, StringSplitOptions.RemoveEmptyEntries))
                {
                    if (part.Trim().Length > 0)
                    {
                        yield return part.Trim();
                    }
                }
            }
        }
    }
}
