using System;
using System.Diagnostics;
using System.Globalization;
using System.Linq;
using System.Net.Http;
using System.Threading;
using System.Threading.Tasks;

namespace PureCloudLicense.Api.Http
{
    /// <summary>
    /// Re-sends a request on 429 (after Retry-After), on 408/502/503/504 and on connection failures (capped
    /// exponential backoff with jitter), until the call's retry budget is spent. Safe for every License API call:
    /// reads are idempotent and assignment is set-valued, so applying a batch twice changes nothing the second time.
    /// </summary>
    internal sealed class RetryHandler : DelegatingHandler
    {
        private readonly RetryPolicy policy;
        private readonly Random jitter = new Random();

        public RetryHandler(RetryPolicy policy)
        {
            this.policy = policy;
        }

        protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            var budget = policy.Budget;
            var clock = Stopwatch.StartNew();
            var body = request.Content == null ? null : await request.Content.ReadAsByteArrayAsync().ConfigureAwait(false);
            var retries = 0;

            while (true)
            {
                var attempt = await RequestOptions.CloneAsync(request, body).ConfigureAwait(false);
                HttpResponseMessage? response = null;
                Exception? failure = null;
                try
                {
                    response = await base.SendAsync(attempt, cancellationToken).ConfigureAwait(false);
                }
                catch (HttpRequestException ex) when (!cancellationToken.IsCancellationRequested && IsWorthRetrying(ex))
                {
                    failure = ex;
                }

                request.Properties[RequestOptions.Retries] = retries;
                if (attempt.Properties.TryGetValue(RequestOptions.TokenRejected, out var rejected))
                {
                    request.Properties[RequestOptions.TokenRejected] = rejected;
                }

                var status = response == null ? 0 : (int)response.StatusCode;
                if (response != null && !RetryPolicy.IsRetryableStatus(status))
                {
                    return response;
                }

                var delay = response == null ? Backoff(retries) : DelayFor(response, retries);
                if (clock.Elapsed + delay > budget)
                {
                    request.Properties[RequestOptions.BudgetExhausted] = true;
                    if (response != null)
                    {
                        return response;
                    }

                    throw new HttpRequestException(failure!.Message, failure);
                }

                var reason = response != null
                    ? status.ToString(CultureInfo.InvariantCulture) + CorrelationSuffix(response)
                    : failure!.GetBaseException().Message;
                response?.Dispose();
                attempt.Dispose();
                ApiTrace.Current?.Verbose(string.Format(
                    CultureInfo.InvariantCulture,
                    "Retry {0} of {1} {2} in {3:0.0} s after {4}",
                    retries + 1,
                    request.Method,
                    request.RequestUri?.PathAndQuery,
                    delay.TotalSeconds,
                    reason));
                await Task.Delay(delay, cancellationToken).ConfigureAwait(false);
                retries++;
            }
        }

        /// <summary>
        /// A refused or reset connection or a timeout may pass; a name that does not resolve or a certificate that
        /// does not validate will not, so those fail at once instead of spending the budget.
        /// </summary>
        private static bool IsWorthRetrying(HttpRequestException failure)
        {
            for (Exception? inner = failure; inner != null; inner = inner.InnerException)
            {
                if (inner is System.Security.Authentication.AuthenticationException)
                {
                    return false;
                }

                if (inner is System.Net.Sockets.SocketException socket &&
                    (socket.SocketErrorCode == System.Net.Sockets.SocketError.HostNotFound ||
                     socket.SocketErrorCode == System.Net.Sockets.SocketError.NoData))
                {
                    return false;
                }
            }

            return true;
        }

        private static string CorrelationSuffix(HttpResponseMessage response) =>
            response.Headers.TryGetValues(LicenseApiClient.CorrelationHeader, out var values)
                ? " (correlation id " + values.FirstOrDefault() + ")"
                : string.Empty;

        /// <summary>429: the service's Retry-After, else its rate-limit reset, else the default; others: backoff.</summary>
        private TimeSpan DelayFor(HttpResponseMessage response, int retries)
        {
            if ((int)response.StatusCode != 429)
            {
                return Backoff(retries);
            }

            var retryAfter = response.Headers.RetryAfter;
            TimeSpan wait;
            if (retryAfter?.Delta is TimeSpan delta)
            {
                wait = delta;
            }
            else if (retryAfter?.Date is DateTimeOffset date)
            {
                wait = date - DateTimeOffset.UtcNow;
            }
            else if (RateLimitPacer.TryReadSeconds(response.Headers, RateLimitPacer.ResetHeader, out var reset))
            {
                wait = TimeSpan.FromSeconds(reset);
            }
            else
            {
                wait = policy.DefaultRetryAfter;
            }

            if (wait < TimeSpan.Zero)
            {
                wait = TimeSpan.Zero;
            }

            // A little spread so that parallel callers do not all come back in the same millisecond.
            return wait + TimeSpan.FromMilliseconds(NextJitter(250));
        }

        private TimeSpan Backoff(int retries)
        {
            var ceiling = Math.Min(policy.MaxDelay.TotalMilliseconds, policy.BaseDelay.TotalMilliseconds * Math.Pow(2, Math.Min(retries, 20)));
            // "Equal jitter": half fixed, half random, so waits grow but never collapse to zero.
            return TimeSpan.FromMilliseconds((ceiling / 2) + NextJitter(ceiling / 2));
        }

        private double NextJitter(double max)
        {
            lock (jitter)
            {
                return jitter.NextDouble() * max;
            }
        }
    }
}
