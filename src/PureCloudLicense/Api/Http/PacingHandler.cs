using System;
using System.Net.Http;
using System.Threading;
using System.Threading.Tasks;

namespace PureCloudLicense.Api.Http
{
    /// <summary>Applies the context's <see cref="RateLimitPacer"/> to every authenticated attempt.</summary>
    internal sealed class PacingHandler : DelegatingHandler
    {
        private readonly RateLimitPacer pacer;

        public PacingHandler(RateLimitPacer pacer)
        {
            this.pacer = pacer;
        }

        protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            // The token endpoint is not under the per-token limit.
            var paced = !RequestOptions.IsSet(request, RequestOptions.Anonymous);
            if (paced)
            {
                var tokenHash = StringComparer.Ordinal.GetHashCode(request.Headers.Authorization?.Parameter ?? string.Empty);
                await pacer.WaitForSlotAsync(tokenHash, cancellationToken).ConfigureAwait(false);
            }

            HttpResponseMessage response;
            try
            {
                response = await base.SendAsync(request, cancellationToken).ConfigureAwait(false);
            }
            catch when (paced)
            {
                pacer.Abandon();
                throw;
            }

            if (paced)
            {
                pacer.Observe((int)response.StatusCode, response.Headers);
            }

            return response;
        }
    }
}
