using System.Collections.Generic;
using System.Net.Http;
using System.Threading.Tasks;

namespace PureCloudLicense.Api.Http
{
    /// <summary>Per-request flags shared by the handlers, kept in HttpRequestMessage.Properties.</summary>
    internal static class RequestOptions
    {
        /// <summary>The request must go out without a bearer token (the token request itself).</summary>
        public const string Anonymous = "PureCloudLicense.Anonymous";

        /// <summary>How many times the retry handler re-sent the request (int).</summary>
        public const string Retries = "PureCloudLicense.Retries";

        /// <summary>The retry handler stopped because the budget was spent, not because the answer was final (bool).</summary>
        public const string BudgetExhausted = "PureCloudLicense.BudgetExhausted";

        /// <summary>The caller's own token got a 401 and could not be renewed (bool).</summary>
        public const string TokenRejected = "PureCloudLicense.TokenRejected";

        public static bool IsSet(HttpRequestMessage request, string key) =>
            request.Properties.TryGetValue(key, out var value) && value is bool flag && flag;

        public static int GetInt(HttpRequestMessage request, string key) =>
            request.Properties.TryGetValue(key, out var value) && value is int number ? number : 0;

        /// <summary>
        /// A fresh copy of a request with its body buffered, so it can be sent again: .NET Framework disposes
        /// request content after sending, and a sent HttpRequestMessage must not be reused.
        /// </summary>
        public static async Task<HttpRequestMessage> CloneAsync(HttpRequestMessage request, byte[]? body)
        {
            var clone = new HttpRequestMessage(request.Method, request.RequestUri) { Version = request.Version };
            foreach (var header in request.Headers)
            {
                clone.Headers.TryAddWithoutValidation(header.Key, header.Value);
            }

            if (request.Content != null)
            {
                var bytes = body ?? await request.Content.ReadAsByteArrayAsync().ConfigureAwait(false);
                clone.Content = new ByteArrayContent(bytes);
                foreach (var header in request.Content.Headers)
                {
                    clone.Content.Headers.TryAddWithoutValidation(header.Key, header.Value);
                }
            }

            foreach (KeyValuePair<string, object> property in request.Properties)
            {
                clone.Properties[property.Key] = property.Value;
            }

            return clone;
        }
    }
}
