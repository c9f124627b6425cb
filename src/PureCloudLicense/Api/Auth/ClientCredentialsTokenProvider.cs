using System;
using System.Collections.Generic;
using System.Net.Http;
using System.Net.Http.Headers;
using System.Security;
using System.Text;
using System.Text.Json;
using System.Threading;
using System.Threading.Tasks;
using PureCloudLicense.Api.Http;
using PureCloudLicense.Api.Json;

namespace PureCloudLicense.Api.Auth
{
    /// <summary>
    /// OAuth client credentials (POST /oauth/token with HTTP Basic). Tokens are cached, renewed shortly before
    /// they expire and when the service rejects one, and acquired by one caller at a time however many threads
    /// ask at once (single-flight), so a burst of parallel calls costs one token request.
    /// </summary>
    internal sealed class ClientCredentialsTokenProvider : TokenProvider
    {
        private static readonly TimeSpan MaxRenewMargin = TimeSpan.FromMinutes(5);

        private readonly SemaphoreSlim acquiring = new SemaphoreSlim(1, 1);
        private readonly Func<HttpRequestMessage, CancellationToken, Task<HttpResponseMessage>> send;
        private readonly Uri tokenUri;
        private readonly string clientId;
        private readonly SecureString secret;
        private volatile CachedToken? current;

        internal ClientCredentialsTokenProvider(
            Func<HttpRequestMessage, CancellationToken, Task<HttpResponseMessage>> send,
            Uri tokenUri,
            string clientId,
            SecureString secret)
        {
            if (string.IsNullOrWhiteSpace(clientId))
            {
                throw new ArgumentException("The client id is empty.", nameof(clientId));
            }

            if (secret == null || secret.Length == 0)
            {
                throw new ArgumentException("The client secret is empty.", nameof(secret));
            }

            this.send = send;
            this.tokenUri = tokenUri;
            this.clientId = clientId;
            this.secret = SecretText.ReadOnlyCopy(secret);
        }

        public override AuthKind Kind => AuthKind.ClientCredentials;

        public override DateTimeOffset? ExpiresOn => current?.ExpiresOn;

        public override bool CanRenew => true;

        /// <summary>How many tokens this provider has obtained (diagnostics and tests).</summary>
        public int TokensAcquired { get; private set; }

        public override async Task<string> GetTokenAsync(CancellationToken cancellationToken)
        {
            var token = current;
            if (token != null && !token.IsDue(DateTimeOffset.UtcNow))
            {
                return token.Value;
            }

            await acquiring.WaitAsync(cancellationToken).ConfigureAwait(false);
            try
            {
                token = current;
                var now = DateTimeOffset.UtcNow;
                if (token != null && !token.IsDue(now))
                {
                    return token.Value;
                }

                try
                {
                    return await AcquireAsync(cancellationToken).ConfigureAwait(false);
                }
                catch (GenesysApiException ex) when (token != null && now < token.ExpiresOn && ex.Kind != ApiFailureKind.AuthenticationFailed)
                {
                    // Renewal is early on purpose; while the current token is still valid a login hiccup must not fail the call.
                    ApiTrace.Current?.Verbose($"Token renewal failed ({ex.Message}); the current token is valid until {token.ExpiresOn:u} and is used meanwhile.");
                    return token.Value;
                }
            }
            finally
            {
                acquiring.Release();
            }
        }

        public override async Task<string> RenewAsync(string rejectedToken, CancellationToken cancellationToken)
        {
            await acquiring.WaitAsync(cancellationToken).ConfigureAwait(false);
            try
            {
                // Another caller may have renewed it while we waited.
                var token = current;
                if (token != null && token.Value != rejectedToken && !token.IsDue(DateTimeOffset.UtcNow))
                {
                    return token.Value;
                }

                return await AcquireAsync(cancellationToken).ConfigureAwait(false);
            }
            finally
            {
                acquiring.Release();
            }
        }

        public override void Dispose()
        {
            current = null;
            secret.Dispose();
            acquiring.Dispose();
        }

        private async Task<string> AcquireAsync(CancellationToken cancellationToken)
        {
            using var request = new HttpRequestMessage(HttpMethod.Post, tokenUri)
            {
                Content = new FormUrlEncodedContent(new[] { new KeyValuePair<string, string>("grant_type", "client_credentials") }),
            };
            request.Properties[RequestOptions.Anonymous] = true;
            request.Headers.Authorization = new AuthenticationHeaderValue(
                "Basic",
                Convert.ToBase64String(Encoding.UTF8.GetBytes(clientId + ":" + SecretText.Reveal(secret))));
            request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue("application/json"));

            var issuedAt = DateTimeOffset.UtcNow;
            HttpResponseMessage sent;
            try
            {
                sent = await send(request, cancellationToken).ConfigureAwait(false);
            }
            catch (HttpRequestException ex)
            {
                throw new GenesysApiException(
                    ApiFailureKind.ConnectionFailed, "POST", tokenUri.AbsolutePath, null, null, null, null,
                    RequestOptions.GetInt(request, RequestOptions.Retries),
                    RequestOptions.IsSet(request, RequestOptions.BudgetExhausted),
                    ex.InnerException ?? ex);
            }

            using var response = sent;
            var body = await response.Content.ReadAsStringAsync().ConfigureAwait(false);
            var correlationId = LicenseApiClient.ReadCorrelationId(response);
            var path = tokenUri.AbsolutePath;
            if (!response.IsSuccessStatusCode)
            {
                var (code, message) = ReadOAuthError(body);
                var kind = (int)response.StatusCode == 400 || (int)response.StatusCode == 401 || (int)response.StatusCode == 403
                    ? ApiFailureKind.AuthenticationFailed
                    : ApiFailureKind.HttpStatus;
                throw new GenesysApiException(
                    kind, "POST", path, (int)response.StatusCode, code,
                    (message ?? "no reason given").TrimEnd('.') + $" (client id '{clientId}')",
                    correlationId,
                    RequestOptions.GetInt(request, RequestOptions.Retries),
                    RequestOptions.IsSet(request, RequestOptions.BudgetExhausted));
            }

            TokenResponseDto? dto;
            try
            {
                dto = JsonSerializer.Deserialize(body, ApiJsonContext.Default.TokenResponseDto);
            }
            catch (JsonException ex)
            {
                throw new GenesysApiException(ApiFailureKind.InvalidResponse, "POST", path, (int)response.StatusCode, null, "the token answer is not JSON", correlationId, 0, false, ex);
            }

            if (dto == null || string.IsNullOrEmpty(dto.AccessToken))
            {
                throw new GenesysApiException(ApiFailureKind.InvalidResponse, "POST", path, (int)response.StatusCode, null, "the token answer has no access_token", correlationId, 0, false);
            }

            // Without expires_in, assume the shortest lifetime an OAuth client can have (5 minutes).
            var lifetime = TimeSpan.FromSeconds(dto.ExpiresIn is long seconds && seconds > 0 ? seconds : 300);
            current = new CachedToken(dto.AccessToken!, issuedAt + lifetime, RenewMargin(lifetime));
            TokensAcquired++;
            return dto.AccessToken!;
        }

        /// <summary>Renew at 90% of the lifetime, but never more than 5 minutes early.</summary>
        private static TimeSpan RenewMargin(TimeSpan lifetime)
        {
            var tenth = TimeSpan.FromTicks(lifetime.Ticks / 10);
            return tenth < MaxRenewMargin ? tenth : MaxRenewMargin;
        }

        private static (string? Code, string? Message) ReadOAuthError(string body)
        {
            try
            {
                var error = JsonSerializer.Deserialize(body, ApiJsonContext.Default.OAuthErrorDto);
                if (error?.Error != null)
                {
                    return (error.Error, error.Description ?? error.ErrorDescription ?? error.Error);
                }

                var generic = JsonSerializer.Deserialize(body, ApiJsonContext.Default.ErrorBodyDto);
                return (generic?.Code, generic?.Message);
            }
            catch (JsonException)
            {
                return (null, null);
            }
        }

        private sealed class CachedToken
        {
            public CachedToken(string value, DateTimeOffset expiresOn, TimeSpan renewMargin)
            {
                Value = value;
                ExpiresOn = expiresOn;
                RenewAt = expiresOn - renewMargin;
            }

            public string Value { get; }

            public DateTimeOffset ExpiresOn { get; }

            public DateTimeOffset RenewAt { get; }

            public bool IsDue(DateTimeOffset now) => now >= RenewAt;
        }
    }
}
