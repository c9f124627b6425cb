using System.Net;
using System.Net.Http;
using System.Net.Http.Headers;
using System.Threading;
using System.Threading.Tasks;
using PureCloudLicense.Api.Auth;

namespace PureCloudLicense.Api.Http
{
    /// <summary>
    /// Puts the bearer token on each attempt and, on a 401, renews a client-credentials token once and re-sends.
    /// A caller-supplied token cannot be renewed: its 401 is marked so the error can say "expired or invalid".
    /// </summary>
    internal sealed class AuthenticationHandler : DelegatingHandler
    {
        /// <summary>Set once after the pipeline is built: the client-credentials provider sends through this pipeline.</summary>
        public TokenProvider? Tokens { get; set; }

        protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            var tokens = Tokens;
            if (tokens == null || RequestOptions.IsSet(request, RequestOptions.Anonymous))
            {
                return await base.SendAsync(request, cancellationToken).ConfigureAwait(false);
            }

            var token = await tokens.GetTokenAsync(cancellationToken).ConfigureAwait(false);
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
            var response = await base.SendAsync(request, cancellationToken).ConfigureAwait(false);
            if (response.StatusCode != HttpStatusCode.Unauthorized)
            {
                return response;
            }

            if (!tokens.CanRenew)
            {
                request.Properties[RequestOptions.TokenRejected] = true;
                return response;
            }

            // The token expired early or was revoked: get a new one (single-flight) and try once more.
            response.Dispose();
            var renewed = await tokens.RenewAsync(token, cancellationToken).ConfigureAwait(false);
            var again = await RequestOptions.CloneAsync(request, null).ConfigureAwait(false);
            again.Headers.Authorization = new AuthenticationHeaderValue("Bearer", renewed);
            return await base.SendAsync(again, cancellationToken).ConfigureAwait(false);
        }
    }
}
