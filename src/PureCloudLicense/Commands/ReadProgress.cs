using System;
using System.Globalization;
using System.Management.Automation;

namespace PureCloudLicense.Commands
{
    /// <summary>The one progress bar of the org-wide reads, so Get-PCLicenseUser and Get-PCLicenseOrganization show it alike.</summary>
    internal static class ReadProgress
    {
        private const int ActivityId = 1;
        private const string Activity = "Reading license assignments";

        public static ProgressRecord Page(int page, int pages, long users, long? total) =>
            Step(page, pages, total.HasValue
                ? string.Format(CultureInfo.InvariantCulture, "Page {0} of {1}: {2:N0} of {3:N0} users", page, pages, users, total.Value)
                : string.Format(CultureInfo.InvariantCulture, "Page {0} of {1}: {2:N0} users", page, pages, users));

        public static ProgressRecord Step(int done, int total, string status) =>
            new ProgressRecord(ActivityId, Activity, status)
            {
                PercentComplete = total <= 0 ? 0 : Math.Min(100, done * 100 / total),
            };

        public static ProgressRecord Completed() =>
            new ProgressRecord(ActivityId, Activity, "Done") { RecordType = ProgressRecordType.Completed };
    }
}
