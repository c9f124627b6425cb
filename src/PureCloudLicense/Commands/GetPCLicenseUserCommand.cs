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
    /// <para type="synopsis">Gets the licenses users hold: for given users in batches, or for every user of the org.</para>
    /// <para type="description">User ids come from -UserId or the pipeline (strings, objects with an Id or UserId property, Import-Csv rows). They are de-duplicated and read -BatchSize at a time through POST /api/v2/license/users, a few batches at once, and each batch's users are output as soon as it and the batches before it are back. An id the service does not know is a non-terminating ObjectNotFound error (LicenseUserNotFound). Without ids, every user of the org is read through the paged GET /api/v2/license/users, page by page, with a progress bar.</para>
    /// <example><code>Get-PCLicenseUser -UserId 5f2c0a7e-8d3b-4c1e-9f6a-2b7d8e9c0a1b</code></example>
    /// <example><code>Import-Csv users.csv | Get-PCLicenseUser | Export-Csv licenses.csv</code></example>
    /// <example><code>Get-PCLicenseUser | Where-Object LicenseIds -contains 'cloudCX2'</code></example>
    /// </summary>
    [Cmdlet(VerbsCommon.Get, "PCLicenseUser")]
    [OutputType(typeof(LicenseUser))]
    public sealed class GetPCLicenseUserCommand : PCConnectedCmdlet
    {
        private readonly List<string> userIds = new List<string>();
        private readonly HashSet<string> seen = new HashSet<string>(StringComparer.OrdinalIgnoreCase);

        /// <summary><para type="description">User ids (GUIDs). Binds from the pipeline by value and by property name (Id, UserId, UserIds — so Get-PCLicenseOrganization rows pipe in as their holders).</para></summary>
        [Parameter(Position = 0, ValueFromPipeline = true, ValueFromPipelineByPropertyName = true)]
        [Alias("Id", "UserIds")]
        [AllowEmptyCollection]
        [AllowNull]
        public string[]? UserId { get; set; }

        /// <summary><para type="description">Users per POST /api/v2/license/users request. Default 100 (no maximum is published).</para></summary>
        [Parameter]
        [ValidateRange(1, 1000)]
        public int BatchSize { get; set; } = 100;

        /// <summary><para type="description">Requests in flight at once. Default 4; pacing keeps them under the rate limit.</para></summary>
        [Parameter]
        [ValidateRange(1, 16)]
        public int ThrottleLimit { get; set; } = 4;

        protected override void ProcessRecord()
        {
            foreach (var raw in UserId ?? Array.Empty<string>())
            {
                if (!ErrorRecords.IsUserId(raw))
                {
                    WriteError(ErrorRecords.InvalidUserId(raw, raw, "It was not looked up."));
                    continue;
                }

                var id = raw.Trim();
                if (seen.Add(id))
                {
                    userIds.Add(id);
                }
            }
        }

        protected override void EndProcessing()
        {
            var context = Connection;
            if (userIds.Count > 0)
            {
                ReadBatches(context);
            }
            else if (!MyInvocation.ExpectingInput && !MyInvocation.BoundParameters.ContainsKey(nameof(UserId)))
            {
                ReadAll(context);
            }
        }

        private void ReadBatches(PCContext context)
        {
            var batches = Batching.Chunk(userIds, BatchSize).ToList();
            var done = 0;
            Run((output, token) => Batching.RunOrderedAsync(
                batches,
                ThrottleLimit,
                (batch, ct) => context.Api.GetUsersAsync((IReadOnlyCollection<string>)batch, ct),
                (batch, found, failure) =>
                {
                    done++;
                    foreach (var id in batch)
                    {
                        if (failure != null)
                        {
                            output.WriteError(ErrorRecords.FromException(failure, id));
                        }
                        else if (found!.TryGetValue(id, out var user))
                        {
                            output.WriteObject(user);
                        }
                        else
                        {
                            output.WriteError(ErrorRecords.UserNotFound(id));
                        }
                    }

                    if (batches.Count > 1)
                    {
                        output.WriteProgress(ReadProgress.Step(done, batches.Count, $"Batch {done} of {batches.Count}"));
                    }
                },
                token));
            if (batches.Count > 1)
            {
                WriteProgress(ReadProgress.Completed());
            }
        }

        private void ReadAll(PCContext context)
        {
            Run(async (output, token) =>
            {
                var users = 0L;
                var failedPages = 0;
                await UserListing.ReadAsync(
                    context.Api,
                    ThrottleLimit,
                    (page, pageCount) =>
                    {
                        users += page.Users.Count;
                        foreach (var user in page.Users)
                        {
                            output.WriteObject(user);
                        }

                        if (pageCount.HasValue)
                        {
                            output.WriteProgress(ReadProgress.Page(page.PageNumber, pageCount.Value, users, page.Total));
                        }
                    },
                    (number, pageSize, failure) =>
                    {
                        failedPages++;
                        output.WriteError(PageError(failure, number, pageSize));
                    },
                    token).ConfigureAwait(false);
                output.Verbose($"Read {users} users{(failedPages > 0 ? $"; {failedPages} page(s) failed" : string.Empty)}.");
            });
            WriteProgress(ReadProgress.Completed());
        }

        /// <summary>A page that failed for good: its users are missing, and the error says which ones.</summary>
        private static ErrorRecord PageError(Exception failure, int number, int pageSize)
        {
            var record = ErrorRecords.FromException(failure, number);
            var message = string.Format(CultureInfo.InvariantCulture,
                "Page {0} (users {1} to {2}) could not be read, so those users are missing from the output: {3}",
                number, ((number - 1) * pageSize) + 1, number * pageSize, failure.Message);
            record.ErrorDetails = new ErrorDetails(message) { RecommendedAction = record.ErrorDetails?.RecommendedAction };
            return record;
        }
    }
}
