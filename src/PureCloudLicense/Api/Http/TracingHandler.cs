using System;
using System.Diagnostics;
using System.Globalization;
using System.Linq;
using System.Net.Http;
using System.Text;
using System.Threading;
using System.Threading.Tasks;

namespace PureCloudLicense.Api.Http
{
    /// <summary>
    /// Outermost handler: one verbose line per logical call (method, path, status, milliseconds, correlation id,
    /// retries) and, when wanted, the bodies with every token and secret redacted. Never logs headers.
    /// </summary>
    internal sealed class TracingHandler : DelegatingHandler
    {
        protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            var listener = ApiTrace.Current;
            if (listener == null)
            {
                return await base.SendAsync(request, cancellationToken).ConfigureAwait(false);
            }

            var target = request.Method + " " + request.RequestUri?.PathAndQuery;
            if (listener.BodiesEnabled && request.Content != null)
            {
                await request.Content.LoadIntoBufferAsync().ConfigureAwait(false);
                var body = await request.Content.ReadAsStringAsync().ConfigureAwait(false);
                listener.Debug("Request " + target + " body: " + SecretRedactor.Redact(body));
            }

            var clock = Stopwatch.StartNew();
            HttpResponseMessage response;
            try
            {
                response = await base.SendAsync(request, cancellationToken).ConfigureAwait(false);
            }
            catch (Exception ex)
            {
                listener.Verbose(string.Format(
                    CultureInfo.InvariantCulture,
                    "{0} -> no answer after {1} ms{2}: {3}",
                    target,
                    clock.ElapsedMilliseconds,
                    RetriesText(request),
                    ex is OperationCanceledException ? "cancelled" : SecretRedactor.Redact(ex.GetBaseException().Message)));
                throw;
            }

            var line = new StringBuilder();
            line.Append(target).Append(" -> ").Append(((int)response.StatusCode).ToString(CultureInfo.InvariantCulture))
                .Append(" in ").Append(clock.ElapsedMilliseconds.ToString(CultureInfo.InvariantCulture)).Append(" ms");
            if (response.Headers.TryGetValues(LicenseApiClient.CorrelationHeader, out var ids))
            {
                line.Append(", correlation id ").Append(ids.FirstOrDefault());
            }

            line.Append(RetriesText(request));
            listener.Verbose(line.ToString());

            if (listener.BodiesEnabled && response.Content != null)
            {
                await response.Content.LoadIntoBufferAsync().ConfigureAwait(false);
                var body = await response.Content.ReadAsStringAsync().ConfigureAwait(false);
                listener.Debug("Response " + target + " body: " + SecretRedactor.Redact(body));
            }

            return response;
        }

        private static string RetriesText(HttpRequestMessage request)
        {
            var retries = RequestOptions.GetInt(request, RequestOptions.Retries);
            return retries == 0 ? ", 0 retries" : retries == 1 ? ", 1 retry" : ", " + retries.ToString(CultureInfo.InvariantCulture) + " retries";
        }
    }
}
