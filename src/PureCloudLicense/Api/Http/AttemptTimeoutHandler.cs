using System;
using System.Net.Http;
using System.Threading;
using System.Threading.Tasks;

namespace PureCloudLicense.Api.Http
{
    /// <summary>
    /// Bounds one attempt on the wire, and only that: waits for a rate-limit slot or a token happen above it, so a
    /// long wait for the window to reset is never mistaken for a request that got no answer.
    /// </summary>
    internal sealed class AttemptTimeoutHandler : DelegatingHandler
    {
        private readonly RetryPolicy policy;

        public AttemptTimeoutHandler(RetryPolicy policy)
        {
            this.policy = policy;
        }

        protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            using var attempt = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            attempt.CancelAfter(policy.AttemptTimeout);
            try
            {
                return await base.SendAsync(request, attempt.Token).ConfigureAwait(false);
            }
            catch (OperationCanceledException ex) when (!cancellationToken.IsCancellationRequested)
            {
                // Our timeout, not the caller's cancellation: a connection failure the retry handler may retry.
                throw new HttpRequestException(
                    $"No answer within {policy.AttemptTimeout.TotalSeconds:0.#} s.",
                    new TimeoutException($"No answer within {policy.AttemptTimeout.TotalSeconds:0.#} s.", ex));
            }
        }
    }
}
