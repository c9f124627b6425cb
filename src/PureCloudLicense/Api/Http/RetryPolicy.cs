using System;

namespace PureCloudLicense.Api.Http
{
    /// <summary>
    /// How long and how a call may be retried. Mutable, because the budget is a setting of the context that a user
    /// may change between calls; the handler reads it at the start of each call.
    /// </summary>
    internal sealed class RetryPolicy
    {
        private TimeSpan budget = TimeSpan.FromMinutes(5);

        /// <summary>Total time one call may spend retrying (waits included) before it fails. Default 5 minutes.</summary>
        public TimeSpan Budget
        {
            get => budget;
            set
            {
                if (value < TimeSpan.Zero)
                {
                    throw new ArgumentOutOfRangeException(nameof(value), value, "The retry budget cannot be negative.");
                }

                // PowerShell turns a number assigned to a TimeSpan into ticks: 600 would mean 60 microseconds and
                // silently disable retries. No one means a budget between zero and a second.
                if (value > TimeSpan.Zero && value < TimeSpan.FromSeconds(1))
                {
                    throw new ArgumentOutOfRangeException(nameof(value), value,
                        $"A retry budget of {value} is less than a second; a number assigned to a TimeSpan is read as ticks. Use New-TimeSpan -Seconds N, or Connect-PCOrganization -RetryBudget N (seconds).");
                }

                budget = value;
            }
        }

        /// <summary>First backoff for 408/5xx/connection failures; doubles each retry.</summary>
        public TimeSpan BaseDelay { get; set; } = TimeSpan.FromMilliseconds(500);

        /// <summary>Longest single backoff for 408/5xx/connection failures.</summary>
        public TimeSpan MaxDelay { get; set; } = TimeSpan.FromSeconds(30);

        /// <summary>Wait after a 429 that names no Retry-After (the .NET SDK's default).</summary>
        public TimeSpan DefaultRetryAfter { get; set; } = TimeSpan.FromSeconds(3);

        /// <summary>How long one attempt may take before it counts as a connection failure.</summary>
        public TimeSpan AttemptTimeout { get; set; } = TimeSpan.FromSeconds(100);

        /// <summary>Statuses worth sending again: rate limit, request timeout, and gateway/service failures.</summary>
        public static bool IsRetryableStatus(int status) =>
            status == 408 || status == 429 || status == 502 || status == 503 || status == 504;
    }
}
