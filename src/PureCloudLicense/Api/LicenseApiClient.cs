using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using System.Net;
using System.Net.Http;
using System.Net.Http.Headers;
using System.Security;
using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization.Metadata;
using System.Threading;
using System.Threading.Tasks;
using PureCloudLicense.Api.Auth;
using PureCloudLicense.Api.Http;
using PureCloudLicense.Api.Json;
using PureCloudLicense.Models;

namespace PureCloudLicense.Api
{
    /// <summary>
    /// The Genesys Cloud License API over one HttpClient: tracing → retry → authentication → pacing → attempt
    /// timeout → transport. Retry sits outside authentication so every attempt carries a current token; pacing sits
    /// inside both so that every attempt, retries included, counts against the token's rate limit; the timeout
    /// bounds only the time on the wire. Thread-safe; one per context.
    /// </summary>
    internal sealed class LicenseApiClient : IDisposable
    {
        public const string CorrelationHeader = "inin-correlation-id";

        private static readonly MediaTypeHeaderValue JsonMediaType = new MediaTypeHeaderValue("application/json") { CharSet = "utf-8" };

        private readonly HttpClient http;
        private readonly AuthenticationHandler authentication;
        private int? listingPageSize;

        private LicenseApiClient(GenesysEnvironment environment, ApiClientOptions options)
        {
            Environment = environment;
            Options = options;
            Pacer = new RateLimitPacer();
            var transport = new HttpClientHandler
            {
                AutomaticDecompression = DecompressionMethods.GZip | DecompressionMethods.Deflate,
                AllowAutoRedirect = false,
            };
            if (options.Proxy != null)
            {
                transport.Proxy = options.Proxy;
                transport.UseProxy = true;
            }

            TrySetMaxConnections(transport, options.MaxConnections);
            var wire = new AttemptTimeoutHandler(options.Retry) { InnerHandler = transport };
            authentication = new AuthenticationHandler { InnerHandler = new PacingHandler(Pacer) { InnerHandler = wire } };
            var pipeline = new TracingHandler { InnerHandler = new RetryHandler(options.Retry) { InnerHandler = authentication } };
            http = new HttpClient(pipeline, disposeHandler: true)
            {
                // Per-attempt timeouts live in the retry handler; the whole call is bounded by the retry budget.
                Timeout = System.Threading.Timeout.InfiniteTimeSpan,
            };
            http.DefaultRequestHeaders.UserAgent.ParseAdd(options.UserAgent);

            // .NET Framework (Windows PowerShell 5.1) sends Expect: 100-continue on POSTs, a round trip for nothing.
            http.DefaultRequestHeaders.ExpectContinue = false;
            http.DefaultRequestHeaders.Accept.Add(new MediaTypeWithQualityHeaderValue("application/json"));
        }

        public GenesysEnvironment Environment { get; }

        public ApiClientOptions Options { get; }

        public TokenProvider Tokens => authentication.Tokens!;

        internal RateLimitPacer Pacer { get; }

        /// <summary>A client that gets and renews its own tokens with OAuth client credentials.</summary>
        public static LicenseApiClient WithClientCredentials(GenesysEnvironment environment, string clientId, SecureString clientSecret, ApiClientOptions options)
        {
            var client = new LicenseApiClient(environment, options);
            try
            {
                client.authentication.Tokens = new ClientCredentialsTokenProvider(client.http.SendAsync, environment.TokenUri, clientId, clientSecret);
                return client;
            }
            catch
            {
                client.Dispose();
                throw;
            }
        }

        /// <summary>A client that uses a token obtained elsewhere, as is.</summary>
        public static LicenseApiClient WithAccessToken(GenesysEnvironment environment, SecureString accessToken, ApiClientOptions options)
        {
            var client = new LicenseApiClient(environment, options);
            try
            {
                client.authentication.Tokens = new AccessTokenProvider(accessToken);
                return client;
            }
            catch
            {
                client.Dispose();
                throw;
            }
        }

        /// <summary>Gets a token now (client credentials), so wrong credentials fail at once.</summary>
        public Task AuthenticateAsync(CancellationToken cancellationToken) => Tokens.GetTokenAsync(cancellationToken);

        public async Task<OrganizationInfo> GetOrganizationAsync(CancellationToken cancellationToken)
        {
            var dto = await GetJsonAsync("api/v2/organizations/me", ApiJsonContext.Default.OrganizationDto, cancellationToken).ConfigureAwait(false);
            return new OrganizationInfo(dto?.Id, dto?.Name);
        }

        public async Task<IReadOnlyList<LicenseDefinition>> GetDefinitionsAsync(CancellationToken cancellationToken)
        {
            var list = await GetJsonAsync("api/v2/license/definitions", ApiJsonContext.Default.ListLicenseDefinitionDto, cancellationToken).ConfigureAwait(false);
            return (list ?? new List<LicenseDefinitionDto>()).Where(d => !string.IsNullOrEmpty(d.Id)).Select(LicenseJsonReader.ToDefinition).ToList();
        }

        /// <summary>One definition, or null when the service says it does not exist (404).</summary>
        public async Task<LicenseDefinition?> GetDefinitionAsync(string licenseId, CancellationToken cancellationToken)
        {
            using var response = await SendAsync(HttpMethod.Get, "api/v2/license/definitions/" + Uri.EscapeDataString(licenseId), null, cancellationToken, allowNotFound: true).ConfigureAwait(false);
            if (response.StatusCode == HttpStatusCode.NotFound)
            {
                return null;
            }

            var dto = await ReadJsonAsync(response, ApiJsonContext.Default.LicenseDefinitionDto).ConfigureAwait(false);
            return dto == null ? null : LicenseJsonReader.ToDefinition(dto);
        }

        /// <summary>POST /api/v2/license/infer: the license ids the given roles imply.</summary>
        public async Task<IReadOnlyList<string>> InferLicensesAsync(IReadOnlyCollection<string> roleIds, CancellationToken cancellationToken)
        {
            var body = JsonSerializer.Serialize(roleIds.ToList(), ApiJsonContext.Default.ListString);
            using var response = await SendAsync(HttpMethod.Post, "api/v2/license/infer", body, cancellationToken).ConfigureAwait(false);
            var ids = await ReadJsonAsync(response, ApiJsonContext.Default.ListString).ConfigureAwait(false);
            return (ids ?? new List<string>()).Where(id => !string.IsNullOrEmpty(id)).Distinct(StringComparer.Ordinal).ToList();
        }

        /// <summary>
        /// POST /api/v2/license/users: the licenses of each id. Ids the service does not know are missing from the
        /// result; the answer's values may be LicenseUser objects or bare arrays (license-api.md).
        /// </summary>
        public async Task<IReadOnlyDictionary<string, LicenseUser>> GetUsersAsync(IReadOnlyCollection<string> userIds, CancellationToken cancellationToken)
        {
            var body = JsonSerializer.Serialize(userIds.ToList(), ApiJsonContext.Default.ListString);
            using var response = await SendAsync(HttpMethod.Post, "api/v2/license/users", body, cancellationToken).ConfigureAwait(false);
            var map = await ReadJsonAsync(response, ApiJsonContext.Default.DictionaryStringJsonElement).ConfigureAwait(false);
            var users = new Dictionary<string, LicenseUser>(StringComparer.OrdinalIgnoreCase);
            if (map != null)
            {
                foreach (var entry in map)
                {
                    var user = LicenseJsonReader.ToUser(entry.Key, entry.Value);
                    if (user != null)
                    {
                        users[entry.Key] = user;
                    }
                }
            }

            return users;
        }

        /// <summary>
        /// The largest page size GET /license/users takes. The maximum is not published: 500 is tried first and,
        /// if the service refuses it with a 400, 100 and then 25 (the documented default); the size that worked
        /// is remembered for the life of the client.
        /// </summary>
        public async Task<UserLicensePage> GetUserPageAsync(int pageNumber, CancellationToken cancellationToken)
        {
            var known = listingPageSize;
            if (known.HasValue)
            {
                return await GetUserPageAsync(known.Value, pageNumber, cancellationToken).ConfigureAwait(false);
            }

            int[] candidates = { 500, 100, 25 };
            for (var i = 0; ; i++)
            {
                try
                {
                    var page = await GetUserPageAsync(candidates[i], pageNumber, cancellationToken).ConfigureAwait(false);
                    listingPageSize = candidates[i];
                    return page;
                }
                catch (GenesysApiException ex) when (ex.StatusCode == 400 && i + 1 < candidates.Length)
                {
                    ApiTrace.Current?.Verbose($"Page size {candidates[i]} refused; trying {candidates[i + 1]}.");
                }
            }
        }

        public async Task<UserLicensePage> GetUserPageAsync(int pageSize, int pageNumber, CancellationToken cancellationToken)
        {
            var path = string.Format(CultureInfo.InvariantCulture, "api/v2/license/users?pageSize={0}&pageNumber={1}", pageSize, pageNumber);
            var dto = await GetJsonAsync(path, ApiJsonContext.Default.UserLicensesListingDto, cancellationToken).ConfigureAwait(false);
            var users = new List<LicenseUser>();
            foreach (var entity in dto?.Entities ?? new List<JsonElement>())
            {
                var user = LicenseJsonReader.ToUser(null, entity);
                if (user != null)
                {
                    users.Add(user);
                }
            }

            return new UserLicensePage(users, dto?.PageNumber ?? pageNumber, dto?.PageSize ?? pageSize, dto?.Total, dto?.PageCount);
        }

        /// <summary>
        /// GET /api/v2/license/organization: license id → ids of its holders, or null where the service no longer
        /// has the endpoint (404; removed from the live API in 2019).
        /// </summary>
        public async Task<IReadOnlyDictionary<string, IReadOnlyList<string>>?> GetLicenseOrganizationAsync(CancellationToken cancellationToken)
        {
            using var response = await SendAsync(HttpMethod.Get, "api/v2/license/organization", null, cancellationToken, allowNotFound: true).ConfigureAwait(false);
            if (response.StatusCode == HttpStatusCode.NotFound)
            {
                return null;
            }

            var dto = await ReadJsonAsync(response, ApiJsonContext.Default.LicenseOrganizationDto).ConfigureAwait(false);
            var result = new Dictionary<string, IReadOnlyList<string>>(StringComparer.Ordinal);
            foreach (var entry in dto?.Licenses ?? new Dictionary<string, JsonElement>())
            {
                result[entry.Key] = LicenseJsonReader.ToIds(entry.Value).ToList();
            }

            return result;
        }

        /// <summary>
        /// POST /api/v2/license/organization with the changes grouped by license. Re-sending after a failure is safe:
        /// assignment is set-valued, so a change applied twice is applied once.
        /// </summary>
        public async Task<IReadOnlyList<LicenseUpdateStatus>> UpdateAssignmentsAsync(IReadOnlyList<LicenseChange> changes, CancellationToken cancellationToken)
        {
            var request = new LicenseBatchAssignmentRequestDto();
            foreach (var license in changes.GroupBy(c => c.LicenseId, StringComparer.Ordinal))
            {
                request.Assignments.Add(new LicenseAssignmentRequestDto
                {
                    LicenseId = license.Key,
                    UserIdsAdd = license.Where(c => c.Action == LicenseAction.Add).Select(c => c.UserId).ToList(),
                    UserIdsRemove = license.Where(c => c.Action == LicenseAction.Remove).Select(c => c.UserId).ToList(),
                });
            }

            var body = JsonSerializer.Serialize(request, ApiJsonContext.Default.LicenseBatchAssignmentRequestDto);
            using var response = await SendAsync(HttpMethod.Post, "api/v2/license/organization", body, cancellationToken).ConfigureAwait(false);
            var statuses = await ReadJsonAsync(response, ApiJsonContext.Default.ListLicenseUpdateStatusDto).ConfigureAwait(false);
            return (statuses ?? new List<LicenseUpdateStatusDto>())
                .Where(s => !string.IsNullOrEmpty(s.UserId) && !string.IsNullOrEmpty(s.LicenseId))
                .Select(s => new LicenseUpdateStatus(s.UserId!, s.LicenseId!, s.Result ?? string.Empty))
                .ToList();
        }

        internal static string? ReadCorrelationId(HttpResponseMessage response) =>
            response.Headers.TryGetValues(CorrelationHeader, out var values) ? values.FirstOrDefault() : null;

        public void Dispose()
        {
            http.Dispose();
            authentication.Tokens?.Dispose();
        }

        private async Task<T?> GetJsonAsync<T>(string path, JsonTypeInfo<T> type, CancellationToken cancellationToken)
            where T : class
        {
            using var response = await SendAsync(HttpMethod.Get, path, null, cancellationToken).ConfigureAwait(false);
            return await ReadJsonAsync(response, type).ConfigureAwait(false);
        }

        internal async Task<HttpResponseMessage> SendAsync(HttpMethod method, string path, string? jsonBody, CancellationToken cancellationToken, bool allowNotFound = false)
        {
            var request = new HttpRequestMessage(method, new Uri(Environment.ApiBaseUri, path));
            if (jsonBody != null)
            {
                request.Content = new StringContent(jsonBody, Encoding.UTF8);
                request.Content.Headers.ContentType = JsonMediaType;
            }

            var displayPath = "/" + path;
            HttpResponseMessage response;
            try
            {
                response = await http.SendAsync(request, HttpCompletionOption.ResponseContentRead, cancellationToken).ConfigureAwait(false);
            }
            catch (HttpRequestException ex)
            {
                throw new GenesysApiException(
                    ApiFailureKind.ConnectionFailed, method.Method, displayPath, null, null, null, null,
                    RequestOptions.GetInt(request, RequestOptions.Retries),
                    RequestOptions.IsSet(request, RequestOptions.BudgetExhausted),
                    ex.InnerException ?? ex);
            }
            finally
            {
                request.Dispose();
            }

            if (response.IsSuccessStatusCode || (allowNotFound && response.StatusCode == HttpStatusCode.NotFound))
            {
                return response;
            }

            using (response)
            {
                throw await ToExceptionAsync(request, response, displayPath).ConfigureAwait(false);
            }
        }

        private static async Task<GenesysApiException> ToExceptionAsync(HttpRequestMessage request, HttpResponseMessage response, string displayPath)
        {
            var text = response.Content == null ? string.Empty : await response.Content.ReadAsStringAsync().ConfigureAwait(false);
            ErrorBodyDto? error = null;
            try
            {
                error = string.IsNullOrWhiteSpace(text) ? null : JsonSerializer.Deserialize(text, ApiJsonContext.Default.ErrorBodyDto);
            }
            catch (JsonException)
            {
                // Not an ErrorBody (a proxy's HTML page, say): the status alone must do.
            }

            var status = (int)response.StatusCode;
            var kind = status == 401 && RequestOptions.IsSet(request, RequestOptions.TokenRejected)
                ? ApiFailureKind.AccessTokenRejected
                : ApiFailureKind.HttpStatus;
            return new GenesysApiException(
                kind,
                request.Method.Method,
                displayPath,
                status,
                error?.Code,
                error?.Message ?? (string.IsNullOrEmpty(response.ReasonPhrase) ? null : response.ReasonPhrase),
                ReadCorrelationId(response) ?? error?.ContextId,
                RequestOptions.GetInt(request, RequestOptions.Retries),
                RequestOptions.IsSet(request, RequestOptions.BudgetExhausted));
        }

        private static async Task<T?> ReadJsonAsync<T>(HttpResponseMessage response, JsonTypeInfo<T> type)
            where T : class
        {
            var stream = await response.Content.ReadAsStreamAsync().ConfigureAwait(false);
            try
            {
                if (stream.CanSeek && stream.Length == 0)
                {
                    return null;
                }

                return await JsonSerializer.DeserializeAsync(stream, type).ConfigureAwait(false);
            }
            catch (JsonException ex)
            {
                throw new GenesysApiException(
                    ApiFailureKind.InvalidResponse,
                    response.RequestMessage?.Method.Method ?? "?",
                    response.RequestMessage?.RequestUri?.PathAndQuery ?? "?",
                    (int)response.StatusCode,
                    null,
                    ex.Message,
                    ReadCorrelationId(response),
                    0,
                    false,
                    ex);
            }
        }

        private static void TrySetMaxConnections(HttpClientHandler handler, int max)
        {
            try
            {
                handler.MaxConnectionsPerServer = max;
            }
            catch (PlatformNotSupportedException)
            {
                // Some runtimes manage this through ServicePointManager; their default then applies.
            }
        }
    }
}
