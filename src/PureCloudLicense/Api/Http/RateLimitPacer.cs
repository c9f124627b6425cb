using System;
using System.Diagnostics;
using System.Globalization;
using System.Linq;
using System.Net.Http.Headers;
using System.Threading;
using System.Threading.Tasks;

namespace PureCloudLicense.Api.Http
{
    /// <summary>
    /// Keeps one token's calls under the service's per-token rate limit, from the inin-ratelimit-* headers every
    /// answer carries: once the window's allowance is used up (counting requests still in flight), new requests
    /// wait for the window to reset instead of drawing a 429; after a 429, every caller waits out its Retry-After.
    /// One pacer per context, because the limit belongs to the token that all the context's calls share.
    /// </summary>
    internal sealed class RateLimitPacer
    {
        public const string AllowedHeader = "inin-ratelimit-allowed";
        public const string CountHeader = "inin-ratelimit-count";
        public const string ResetHeader = "inin-ratelimit-reset";

        // The reset header is in whole seconds; waiting a little past it avoids landing just before the server's reset.
        private static readonly TimeSpan ResetMargin = TimeSpan.FromMilliseconds(750);

        private readonly object gate = new object();
        private readonly Stopwatch clock = Stopwatch.StartNew();
        private bool windowKnown;
        private TimeSpan windowEnd;
        private int allowed;
        private int sentInWindow;
        private int inFlight;
        private TimeSpan blockedUntil;
        private int tokenFingerprint;

        /// <summary>How many requests had to wait for a slot (for diagnostics and tests).</summary>
        public int DelayedRequests { get; private set; }

        /// <summary>
        /// Waits until a request may be sent under the limit, then counts it as sent. The limit is per token, so a
        /// request under a token other than the last one (a renewal) starts from a fresh window; only a hash of the
        /// token is kept, never the token.
        /// </summary>
        public async Task WaitForSlotAsync(int tokenHash, CancellationToken cancellationToken)
        {
            var waited = false;
            while (true)
            {
                TimeSpan wait;
                lock (gate)
                {
                    var now = clock.Elapsed;
                    if (tokenHash != tokenFingerprint)
                    {
                        tokenFingerprint = tokenHash;
                        windowKnown = false;
                        sentInWindow = 0;
                        blockedUntil = TimeSpan.Zero;
                    }

                    if (now < blockedUntil)
                    {
                        wait = blockedUntil - now;
                    }
                    else
                    {
                        if (windowKnown && now >= windowEnd + ResetMargin)
                        {
                            // The server has started a new window; its first answer will tell us the new count.
                            windowKnown = false;
                            sentInWindow = 0;
                        }

                        if (windowKnown && allowed > 0 && sentInWindow >= allowed)
                        {
                            wait = windowEnd + ResetMargin - now;
                        }
                        else
                        {
                            sentInWindow++;
                            inFlight++;
                            if (waited)
                            {
                                DelayedRequests++;
                            }

                            return;
                        }
                    }
                }

                waited = true;
                await Task.Delay(wait < TimeSpan.FromMilliseconds(1) ? TimeSpan.FromMilliseconds(1) : wait, cancellationToken)
                    .ConfigureAwait(false);
            }
        }

        /// <summary>Learns the window from an answer's headers; a 429 blocks every caller for its Retry-After.</summary>
        public void Observe(int status, HttpResponseHeaders headers)
        {
            var hasAllowed = TryReadSeconds(headers, AllowedHeader, out var allowedValue);
            var hasCount = TryReadSeconds(headers, CountHeader, out var countValue);
            var hasReset = TryReadSeconds(headers, ResetHeader, out var resetValue);
            lock (gate)
            {
                var now = clock.Elapsed;
                inFlight = Math.Max(0, inFlight - 1);
                if (hasAllowed && hasCount && hasReset && allowedValue > 0)
                {
                    var end = now + TimeSpan.FromSeconds(resetValue);
                    var newWindow = !windowKnown || (end - windowEnd).Duration() > TimeSpan.FromSeconds(1.5);
                    allowed = (int)allowedValue;
                    if (newWindow)
                    {
                        // Unknown window: our count holds the sends since the last reset, in flight included.
                        // Known but moved: the server reset earlier than expected, so our count is stale; the
                        // requests still in flight may land in the new window, so they count too.
                        sentInWindow = windowKnown ? (int)countValue + inFlight : Math.Max(sentInWindow, (int)countValue);
                        windowKnown = true;
                        windowEnd = end;
                    }
                    else
                    {
                        // Requests still in flight are counted locally but not yet by the server: keep the larger.
                        sentInWindow = Math.Max(sentInWindow, (int)countValue);
                    }
                }

                if (status == 429)
                {
                    var wait = headers.RetryAfter?.Delta
                        ?? (hasReset ? TimeSpan.FromSeconds(resetValue) : TimeSpan.FromSeconds(1));
                    var until = now + wait;
                    if (until > blockedUntil)
                    {
                        blockedUntil = until;
                    }
                }
            }
        }

        /// <summary>A request that got no answer: it no longer counts as in flight.</summary>
        public void Abandon()
        {
            lock (gate)
            {
                inFlight = Math.Max(0, inFlight - 1);
            }
        }

        /// <summary>Reads a numeric header; the service sends whole numbers, but a fraction is accepted.</summary>
        public static bool TryReadSeconds(HttpResponseHeaders headers, string name, out double value)
        {
            value = 0;
            return headers.TryGetValues(name, out var values) &&
                   double.TryParse(values.FirstOrDefault(), NumberStyles.Float, CultureInfo.InvariantCulture, out value) &&
                   value >= 0;
        }
    }
}
