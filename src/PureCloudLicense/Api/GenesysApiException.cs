using System;
using System.Globalization;
using System.Net;
using System.Text;

namespace PureCloudLicense.Api
{
    /// <summary>Why a call to the Genesys Cloud API failed for good.</summary>
    public enum ApiFailureKind
    {
        /// <summary>The service answered with an error status.</summary>
        HttpStatus,

        /// <summary>No answer: DNS, TCP, TLS or a timeout, after retries.</summary>
        ConnectionFailed,

        /// <summary>The login service refused the client credentials.</summary>
        AuthenticationFailed,

        /// <summary>A token supplied by the caller was refused (401): expired or invalid.</summary>
        AccessTokenRejected,

        /// <summary>The answer could not be read (not JSON, or not the expected shape).</summary>
        InvalidResponse,
    }

    /// <summary>
    /// A failed API call, carrying what a support case needs: status, service code and message, correlation id,
    /// and how many times it was retried. Never carries a token or a secret.
    /// </summary>
    public sealed class GenesysApiException : Exception
    {
        public GenesysApiException(
            ApiFailureKind kind,
            string method,
            string path,
            int? statusCode,
            string? errorCode,
            string? serviceMessage,
            string? correlationId,
            int retries,
            bool retryBudgetExhausted,
            Exception? innerException = null)
            : base(Compose(kind, method, path, statusCode, errorCode, serviceMessage, correlationId, retries, retryBudgetExhausted, innerException), innerException)
        {
            Kind = kind;
            Method = method;
            Path = path;
            StatusCode = statusCode;
            ErrorCode = errorCode;
            ServiceMessage = serviceMessage;
            CorrelationId = correlationId;
            Retries = retries;
            RetryBudgetExhausted = retryBudgetExhausted;
        }

        public ApiFailureKind Kind { get; }

        public string Method { get; }

        /// <summary>Path and query of the request, without host.</summary>
        public string Path { get; }

        public int? StatusCode { get; }

        /// <summary>The service's error code, such as not.found or too.many.requests.retry.after.</summary>
        public string? ErrorCode { get; }

        public string? ServiceMessage { get; }

        /// <summary>The inin-correlation-id of the last answer; Genesys support asks for it.</summary>
        public string? CorrelationId { get; }

        public int Retries { get; }

        /// <summary>True when the call was still retryable but its retry budget was spent.</summary>
        public bool RetryBudgetExhausted { get; }

        private static string Compose(
            ApiFailureKind kind, string method, string path, int? status, string? code, string? message,
            string? correlationId, int retries, bool exhausted, Exception? inner)
        {
            var text = new StringBuilder();
            switch (kind)
            {
                case ApiFailureKind.AuthenticationFailed:
                    text.Append("The login service refused the client credentials");
                    break;
                case ApiFailureKind.AccessTokenRejected:
                    text.Append("The access token was rejected: it is expired or invalid. Get a new token and connect again");
                    break;
                case ApiFailureKind.ConnectionFailed:
                    text.Append(method).Append(' ').Append(path).Append(" got no answer: ")
                        .Append(inner?.GetBaseException().Message ?? "connection failed");
                    break;
                case ApiFailureKind.InvalidResponse:
                    text.Append(method).Append(' ').Append(path).Append(" returned an answer that could not be read");
                    break;
                default:
                    text.Append(method).Append(' ').Append(path).Append(" failed");
                    break;
            }

            if (status.HasValue)
            {
                text.Append(" (").Append(status.Value.ToString(CultureInfo.InvariantCulture));
                var reason = ReasonPhrase(status.Value);
                if (reason.Length > 0)
                {
                    text.Append(' ').Append(reason);
                }

                if (!string.IsNullOrEmpty(code))
                {
                    text.Append(", ").Append(code);
                }

                text.Append(')');
            }

            if (!string.IsNullOrEmpty(message))
            {
                text.Append(": ").Append(message!.TrimEnd('.'));
            }

            text.Append('.');
            if (retries > 0 || exhausted)
            {
                text.Append(" Retried ").Append(retries.ToString(CultureInfo.InvariantCulture))
                    .Append(retries == 1 ? " time" : " times");
                if (exhausted)
                {
                    text.Append(" until the retry budget was spent");
                }

                text.Append('.');
            }

            if (!string.IsNullOrEmpty(correlationId))
            {
                text.Append(" Correlation id: ").Append(correlationId).Append('.');
            }

            return text.ToString();
        }

        private static string ReasonPhrase(int status)
        {
            var name = ((HttpStatusCode)status).ToString();
            if (name == status.ToString(CultureInfo.InvariantCulture))
            {
                return status == 429 ? "Too Many Requests" : string.Empty;
            }

            // TooManyRequests → Too Many Requests
            var spaced = new StringBuilder();
            foreach (var c in name)
            {
                if (char.IsUpper(c) && spaced.Length > 0)
                {
                    spaced.Append(' ');
                }

                spaced.Append(c);
            }

            return spaced.ToString();
        }
    }
}
