using System;
using System.Buffers;
using System.Collections.Generic;
using System.Globalization;
using System.IO;
using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization.Metadata;
using System.Threading;
using System.Threading.Tasks;
using Microsoft.AspNetCore.Http;

namespace PureCloudLicense.Emulator;

/// <summary>The request pipeline: one terminal middleware that routes, authenticates, rate-limits, injects
/// faults and answers. Hand-written so that every answer (also Kestrel-level cases such as 413) is an ErrorBody
/// with the Genesys headers, and so that the hot path allocates little.</summary>
internal sealed class EmulatorApp
{
    private const string JsonContentType = "application/json; charset=UTF-8";
    private const long DrainLimitBytes = 64L * 1024 * 1024;
    private static readonly EmulatorJsonContext Json = new(new JsonSerializerOptions(EmulatorJsonContext.Default.Options)
    {
        Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
    });
    private static readonly byte[] PingBytes = Encoding.UTF8.GetBytes("{\"status\":\"ok\"}");
    private static readonly string[] FaultStatuses = { "502", "503", "504" };

    private readonly EmulatorOptions _options;
    private readonly EmulatorState _state;
    private readonly TokenStore _tokens = new();
    private readonly EmulatorStats _stats = new();
    private readonly byte[][] _definitionBytes;
    private readonly byte[] _allDefinitionsBytes;
    private FaultSettings _settings;

    public EmulatorApp(EmulatorOptions options, EmulatorState state)
    {
        _options = options;
        _state = state;
        _settings = FaultSettings.From(options);
        _definitionBytes = new byte[EmulatorCatalog.Count][];
        var all = new List<LicenseDefinitionModel>();
        for (int i = 0; i < EmulatorCatalog.Count; i++)
        {
            LicenseDefinitionModel model = ToModel(EmulatorCatalog.At(i));
            all.Add(model);
            _definitionBytes[i] = JsonSerializer.SerializeToUtf8Bytes(model, Json.LicenseDefinitionModel);
        }

        _allDefinitionsBytes = JsonSerializer.SerializeToUtf8Bytes(all, Json.ListLicenseDefinitionModel);
    }

    private FaultSettings Settings => Volatile.Read(ref _settings);

    public async Task HandleAsync(HttpContext ctx)
    {
        HttpRequest req = ctx.Request;
        HttpResponse res = ctx.Response;
        string correlationId = Guid.NewGuid().ToString("D");
        res.Headers["inin-correlation-id"] = correlationId;
        string path = req.Path.Value ?? "/";

        if (path.StartsWith("/emulator/", StringComparison.OrdinalIgnoreCase) || path.Equals("/emulator", StringComparison.OrdinalIgnoreCase))
        {
            SetAnonymousRateHeaders(res);
            await HandleControlAsync(ctx, path, correlationId).ConfigureAwait(false);
            return;
        }

        bool isApi = path.StartsWith("/api/v2/", StringComparison.OrdinalIgnoreCase);
        bool isOAuth = path.StartsWith("/oauth/", StringComparison.OrdinalIgnoreCase);
        if (!isApi && !isOAuth)
        {
            SetAnonymousRateHeaders(res);
            await WriteErrorAsync(ctx, 404, "not.found", $"No resource at {req.Method} {path}.", correlationId).ConfigureAwait(false);
            return;
        }

        _stats.CountRequest();
        RouteId route = Resolve(req.Method, path, out string? param);
        byte[]? body = null;
        try
        {
            FaultSettings settings = Settings;
            if (settings.LatencyMs > 0)
            {
                await Task.Delay(settings.LatencyMs, ctx.RequestAborted).ConfigureAwait(false);
            }

            if (isOAuth)
            {
                SetAnonymousRateHeaders(res);
                (body, int oauthLength, bool oauthTooLarge) = await ReadBodyAsync(req).ConfigureAwait(false);
                if (oauthTooLarge)
                {
                    await WriteTooLargeAsync(ctx, correlationId).ConfigureAwait(false);
                }
                else if (await TryApplyFaultRuleAsync(ctx, settings, req.Method, path, body, oauthLength, correlationId, oauthOnly: true).ConfigureAwait(false))
                {
                    // A rule naming the OAuth path answered instead of the login service (token-failure tests).
                }
                else if (route == RouteId.OAuthToken)
                {
                    await HandleTokenAsync(ctx, body, oauthLength).ConfigureAwait(false);
                }
                else
                {
                    await WriteErrorAsync(ctx, 404, "not.found", $"No resource at {req.Method} {path}.", correlationId).ConfigureAwait(false);
                }

                return;
            }

            // Authentication.
            string? auth = req.Headers.Authorization;
            if (auth is null || !auth.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase) || auth.Length <= 7)
            {
                SetAnonymousRateHeaders(res);
                await WriteErrorAsync(ctx, 401, "authentication.required", "No authentication bearer token specified in authorization header.", correlationId).ConfigureAwait(false);
                return;
            }

            TokenInfo? token = _tokens.Find(auth.Substring(7).Trim());
            if (token is null || token.IsExpired(Environment.TickCount64))
            {
                SetAnonymousRateHeaders(res);
                await WriteErrorAsync(ctx, 401, "bad.credentials", "Invalid login credentials.", correlationId).ConfigureAwait(false);
                return;
            }

            // Rate limit (per token, fixed window).
            RateDecision rate = TokenStore.Check(token, settings.RateLimit, settings.RateWindowSeconds);
            res.Headers["inin-ratelimit-allowed"] = AllowedHeader(settings.RateLimit);
            res.Headers["inin-ratelimit-count"] = rate.Count.ToString(CultureInfo.InvariantCulture);
            res.Headers["inin-ratelimit-reset"] = rate.ResetSeconds.ToString(CultureInfo.InvariantCulture);
            if (!rate.Allowed)
            {
                _stats.CountThrottled();
                res.Headers.RetryAfter = rate.ResetSeconds.ToString(CultureInfo.InvariantCulture);
                await WriteErrorAsync(ctx, 429, "too.many.requests.retry.after",
                    $"Rate limit exceeded the maximum. Retry the request in [{rate.ResetSeconds}] seconds", correlationId).ConfigureAwait(false);
                return;
            }

            (body, int length, bool tooLarge) = await ReadBodyAsync(req).ConfigureAwait(false);
            if (tooLarge)
            {
                await WriteTooLargeAsync(ctx, correlationId).ConfigureAwait(false);
                return;
            }

            // Fault rules, then the random fault rate.
            if (await TryApplyFaultRuleAsync(ctx, settings, req.Method, path, body, length, correlationId, oauthOnly: false).ConfigureAwait(false))
            {
                return;
            }

            if (settings.FaultRate > 0 && Random.Shared.NextDouble() < settings.FaultRate)
            {
                _stats.CountFault();
                int status = int.Parse(FaultStatuses[Random.Shared.Next(FaultStatuses.Length)], CultureInfo.InvariantCulture);
                await WriteFaultAsync(ctx, status, correlationId).ConfigureAwait(false);
                return;
            }

            await DispatchAsync(ctx, route, param, body, length, settings, correlationId).ConfigureAwait(false);
        }
        finally
        {
            if (body is not null)
            {
                ArrayPool<byte>.Shared.Return(body);
            }

            _stats.CountAnswer(route, res.StatusCode);
        }
    }

    // ---- routing ------------------------------------------------------------------------------------------

    internal static RouteId Resolve(string method, string path, out string? param)
    {
        param = null;
        bool get = HttpMethods.IsGet(method);
        bool post = HttpMethods.IsPost(method);
        const StringComparison ic = StringComparison.OrdinalIgnoreCase;

        if (path.Equals("/oauth/token", ic))
        {
            return post ? RouteId.OAuthToken : RouteId.Unmatched;
        }

        if (path.Equals("/api/v2/organizations/me", ic))
        {
            return get ? RouteId.GetOrganizationMe : RouteId.Unmatched;
        }

        const string license = "/api/v2/license/";
        if (!path.StartsWith(license, ic))
        {
            return RouteId.Unmatched;
        }

        ReadOnlySpan<char> rest = path.AsSpan(license.Length);
        if (rest.Equals("definitions", ic))
        {
            return get ? RouteId.GetDefinitions : RouteId.Unmatched;
        }

        if (rest.StartsWith("definitions/", ic))
        {
            ReadOnlySpan<char> id = rest.Slice("definitions/".Length);
            if (get && id.Length > 0 && id.IndexOf('/') < 0)
            {
                param = id.ToString();
                return RouteId.GetDefinition;
            }

            return RouteId.Unmatched;
        }

        if (rest.Equals("users", ic))
        {
            return get ? RouteId.GetUsersPage : post ? RouteId.PostUsers : RouteId.Unmatched;
        }

        if (rest.StartsWith("users/", ic))
        {
            ReadOnlySpan<char> id = rest.Slice("users/".Length);
            if (get && id.Length > 0 && id.IndexOf('/') < 0)
            {
                param = id.ToString();
                return RouteId.GetUser;
            }

            return RouteId.Unmatched;
        }

        if (rest.Equals("infer", ic))
        {
            return post ? RouteId.PostInfer : RouteId.Unmatched;
        }

        if (rest.Equals("organization", ic))
        {
            return get ? RouteId.GetOrganization : post ? RouteId.PostOrganization : RouteId.Unmatched;
        }

        return RouteId.Unmatched;
    }

    private Task DispatchAsync(HttpContext ctx, RouteId route, string? param, byte[]? body, int length, FaultSettings settings, string correlationId)
    {
        ReadOnlySpan<byte> json = body is null ? ReadOnlySpan<byte>.Empty : body.AsSpan(0, length);
        switch (route)
        {
            case RouteId.GetOrganizationMe:
                return WriteJsonAsync(ctx, 200, new OrganizationModel
                {
                    Id = _state.OrganizationId,
                    Name = _state.OrganizationName,
                    SelfUri = "/api/v2/organizations/" + _state.OrganizationId,
                }, Json.OrganizationModel);
            case RouteId.GetDefinitions:
                return WriteBytesAsync(ctx, 200, _allDefinitionsBytes);
            case RouteId.GetDefinition:
                int index = EmulatorCatalog.IndexOf(param!);
                return index < 0
                    ? WriteErrorAsync(ctx, 404, "not.found", $"License definition '{param}' was not found.", correlationId, param, "licenseDefinition")
                    : WriteBytesAsync(ctx, 200, _definitionBytes[index]);
            case RouteId.GetUser:
                return _state.TryGetMask(param!, out int mask)
                    ? WriteLicenseUserAsync(ctx, param!, mask)
                    : WriteErrorAsync(ctx, 404, "not.found", $"User '{param}' was not found.", correlationId, param, "user");
            case RouteId.GetUsersPage:
                return HandleUsersPageAsync(ctx, correlationId);
            case RouteId.PostUsers:
                return HandlePostUsersAsync(ctx, json, settings, correlationId);
            case RouteId.PostInfer:
                return HandleInferAsync(ctx, json, correlationId);
            case RouteId.GetOrganization:
                return _options.LegacyOrganizationEndpoint
                    ? HandleGetOrganizationAsync(ctx)
                    : WriteErrorAsync(ctx, 404, "not.found", "GET /api/v2/license/organization was removed from the License API.", correlationId);
            case RouteId.PostOrganization:
                return HandlePostOrganizationAsync(ctx, json, correlationId);
            default:
                return WriteErrorAsync(ctx, 404, "not.found", $"No resource at {ctx.Request.Method} {ctx.Request.Path.Value}.", correlationId);
        }
    }

    // ---- OAuth ----------------------------------------------------------------------------------------------

    /// <summary>
    /// Answers with the first matching fault rule, if any. On /oauth/ only rules that name an /oauth/ path apply,
    /// so that a rule meant for the API never keeps a client from getting its token.
    /// </summary>
    private async Task<bool> TryApplyFaultRuleAsync(HttpContext ctx, FaultSettings settings, string method, string path, byte[]? body, int length, string correlationId, bool oauthOnly)
    {
        if (settings.Rules.Count == 0)
        {
            return false;
        }

        string? bodyText = null;
        foreach (FaultRule rule in settings.Rules)
        {
            if (oauthOnly && (rule.Path is null || !rule.Path.StartsWith("/oauth/", StringComparison.OrdinalIgnoreCase)))
            {
                continue;
            }

            if (rule.BodyContains is not null && bodyText is null)
            {
                bodyText = body is null ? string.Empty : Encoding.UTF8.GetString(body, 0, length);
            }

            if (rule.Matches(method, path, bodyText) && rule.TryConsume())
            {
                _stats.CountFault();
                await WriteFaultAsync(ctx, rule.Status, correlationId).ConfigureAwait(false);
                return true;
            }
        }

        return false;
    }

    private Task HandleTokenAsync(HttpContext ctx, byte[]? body, int length)
    {
        Dictionary<string, string> form = ParseForm(body is null ? string.Empty : Encoding.UTF8.GetString(body, 0, length));
        string? clientId = null;
        string? clientSecret = null;
        string? auth = ctx.Request.Headers.Authorization;
        if (auth is not null && auth.StartsWith("Basic ", StringComparison.OrdinalIgnoreCase))
        {
            try
            {
                string decoded = Encoding.UTF8.GetString(Convert.FromBase64String(auth.Substring(6).Trim()));
                int colon = decoded.IndexOf(':');
                if (colon > 0)
                {
                    clientId = Uri.UnescapeDataString(decoded.Substring(0, colon));
                    clientSecret = Uri.UnescapeDataString(decoded.Substring(colon + 1));
                }
            }
            catch (FormatException)
            {
                return WriteOAuthErrorAsync(ctx, 401, "invalid_client", "The Authorization header is not valid Basic credentials.");
            }
        }
        else
        {
            form.TryGetValue("client_id", out clientId);
            form.TryGetValue("client_secret", out clientSecret);
        }

        if (clientId is null || clientSecret is null)
        {
            return WriteOAuthErrorAsync(ctx, 401, "invalid_client", "Client authentication is required: send Authorization: Basic base64(clientId:clientSecret).");
        }

        if (!string.Equals(clientId, _options.ClientId, StringComparison.Ordinal) || !string.Equals(clientSecret, _options.ClientSecret, StringComparison.Ordinal))
        {
            return WriteOAuthErrorAsync(ctx, 401, "invalid_client", "Client authentication failed: unknown client id or wrong secret.");
        }

        if (!form.TryGetValue("grant_type", out string? grant) || string.IsNullOrEmpty(grant))
        {
            return WriteOAuthErrorAsync(ctx, 400, "invalid_request", "The request is missing the grant_type parameter.");
        }

        if (!string.Equals(grant, "client_credentials", StringComparison.Ordinal))
        {
            return WriteOAuthErrorAsync(ctx, 400, "unsupported_grant_type", $"The grant type '{grant}' is not supported; use client_credentials.");
        }

        string token = _tokens.Issue(_options.TokenLifetimeSeconds);
        _stats.CountToken();
        ctx.Response.Headers.CacheControl = "no-store";
        return WriteJsonAsync(ctx, 200, new TokenResponse
        {
            AccessToken = token,
            TokenType = "bearer",
            ExpiresIn = _options.TokenLifetimeSeconds,
        }, Json.TokenResponse);
    }

    private static Dictionary<string, string> ParseForm(string text)
    {
        var form = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (string pair in text.Split('&', StringSplitOptions.RemoveEmptyEntries))
        {
            int eq = pair.IndexOf('=');
            string key = eq < 0 ? pair : pair.Substring(0, eq);
            string value = eq < 0 ? string.Empty : pair.Substring(eq + 1);
            try
            {
                key = Uri.UnescapeDataString(key.Replace('+', ' '));
                value = Uri.UnescapeDataString(value.Replace('+', ' '));
            }
            catch (UriFormatException)
            {
                continue;
            }

            form.TryAdd(key, value);
        }

        return form;
    }

    // ---- License API handlers ---------------------------------------------------------------------------------

    private async Task WriteLicenseUserAsync(HttpContext ctx, string userId, int mask)
    {
        PrepareJson(ctx.Response, 200);
        using (var w = new Utf8JsonWriter(ctx.Response.BodyWriter, default))
        {
            WriteLicenseUserObject(w, userId, mask);
        }

        await ctx.Response.BodyWriter.FlushAsync(ctx.RequestAborted).ConfigureAwait(false);
    }

    private void WriteLicenseUserObject(Utf8JsonWriter w, string userId, int mask)
    {
        w.WriteStartObject();
        w.WriteString("id", userId);
        w.WriteStartArray("licenses");
        for (int i = 0; i < EmulatorCatalog.Count; i++)
        {
            if ((mask & (1 << i)) != 0)
            {
                w.WriteRawValue(_definitionBytes[i], skipInputValidation: true);
            }
        }

        w.WriteEndArray();
        w.WriteString("selfUri", "/api/v2/license/users/" + userId);
        w.WriteEndObject();
    }

    private async Task HandleUsersPageAsync(HttpContext ctx, string correlationId)
    {
        IQueryCollection query = ctx.Request.Query;
        if (!TryQueryInt(query, "pageSize", 25, 1, _options.MaxPageSize, out int pageSize))
        {
            await WriteErrorAsync(ctx, 400, "bad.request", $"pageSize must be a whole number from 1 to {_options.MaxPageSize}, not '{query["pageSize"]}'.", correlationId).ConfigureAwait(false);
            return;
        }

        if (!TryQueryInt(query, "pageNumber", 1, 1, int.MaxValue, out int pageNumber))
        {
            await WriteErrorAsync(ctx, 400, "bad.request", $"pageNumber must be a whole number of at least 1, not '{query["pageNumber"]}'.", correlationId).ConfigureAwait(false);
            return;
        }

        EmulatorState.OrgData d = _state.Data;
        int total = d.UserIds.Length;
        long start = (long)(pageNumber - 1) * pageSize;
        int end = (int)Math.Min(total, start + pageSize);
        PrepareJson(ctx.Response, 200);
        using (var w = new Utf8JsonWriter(ctx.Response.BodyWriter, default))
        {
            w.WriteStartObject();
            w.WriteStartArray("entities");
            for (long i = start; i < end; i++)
            {
                string id = d.UserIds[i];
                int mask = Volatile.Read(ref d.Masks[i]);
                w.WriteStartObject();
                w.WriteString("id", id);
                w.WriteStartArray("licenses");
                for (int b = 0; b < EmulatorCatalog.Count; b++)
                {
                    if ((mask & (1 << b)) != 0)
                    {
                        w.WriteStringValue(EmulatorCatalog.At(b).Id);
                    }
                }

                w.WriteEndArray();
                w.WriteString("selfUri", "/api/v2/license/users/" + id);
                w.WriteEndObject();
            }

            w.WriteEndArray();
            w.WriteNumber("pageSize", pageSize);
            w.WriteNumber("pageNumber", pageNumber);
            w.WriteNumber("total", total);
            w.WriteNumber("pageCount", (total + pageSize - 1) / pageSize);
            w.WriteEndObject();
        }

        await ctx.Response.BodyWriter.FlushAsync(ctx.RequestAborted).ConfigureAwait(false);
    }

    private static bool TryQueryInt(IQueryCollection query, string name, int fallback, int min, int max, out int value)
    {
        if (!query.TryGetValue(name, out Microsoft.Extensions.Primitives.StringValues raw))
        {
            value = fallback;
            return true;
        }

        return int.TryParse(raw.Count == 1 ? raw[0] : null, NumberStyles.None, CultureInfo.InvariantCulture, out value) && value >= min && value <= max;
    }

    private Task HandlePostUsersAsync(HttpContext ctx, ReadOnlySpan<byte> json, FaultSettings settings, string correlationId)
    {
        if (!TryReadIds(json, out List<string?>? ids, out string? error))
        {
            return WriteErrorAsync(ctx, 400, "bad.request", error!, correlationId);
        }

        if (ids!.Count > _options.MaxBatchSize)
        {
            return WriteBatchTooLargeAsync(ctx, ids.Count, correlationId);
        }

        return WriteUsersBatchAsync(ctx, ids, settings.UsersBatchAsArray);
    }

    private async Task WriteUsersBatchAsync(HttpContext ctx, List<string?> ids, bool asArray)
    {
        EmulatorState.OrgData d = _state.Data;
        var written = new HashSet<int>();
        PrepareJson(ctx.Response, 200);
        using (var w = new Utf8JsonWriter(ctx.Response.BodyWriter, default))
        {
            w.WriteStartObject();
            foreach (string? id in ids)
            {
                if (id is null || !d.Index.TryGetValue(id, out int ui) || !written.Add(ui))
                {
                    continue;
                }

                string userId = d.UserIds[ui];
                int mask = Volatile.Read(ref d.Masks[ui]);
                w.WritePropertyName(userId);
                if (asArray)
                {
                    w.WriteStartArray();
                    for (int b = 0; b < EmulatorCatalog.Count; b++)
                    {
                        if ((mask & (1 << b)) != 0)
                        {
                            w.WriteStringValue(EmulatorCatalog.At(b).Id);
                        }
                    }

                    w.WriteEndArray();
                }
                else
                {
                    WriteLicenseUserObject(w, userId, mask);
                }
            }

            w.WriteEndObject();
        }

        await ctx.Response.BodyWriter.FlushAsync(ctx.RequestAborted).ConfigureAwait(false);
    }

    private Task HandleInferAsync(HttpContext ctx, ReadOnlySpan<byte> json, string correlationId)
    {
        if (!TryReadIds(json, out List<string?>? roleIds, out string? error))
        {
            return WriteErrorAsync(ctx, 400, "bad.request", error!, correlationId);
        }

        if (roleIds!.Count > _options.MaxBatchSize)
        {
            return WriteBatchTooLargeAsync(ctx, roleIds.Count, correlationId);
        }

        int mask = 0;
        foreach (string? roleId in roleIds)
        {
            EmulatorRole? role = roleId is null ? null : EmulatorCatalog.FindRole(roleId);
            if (role is not null)
            {
                mask |= EmulatorCatalog.MaskOf(role.LicenseIds);
            }
        }

        return WriteJsonAsync(ctx, 200, new List<string>(EmulatorCatalog.IdsOf(mask)), Json.ListString);
    }

    private async Task HandleGetOrganizationAsync(HttpContext ctx)
    {
        EmulatorState.OrgData d = _state.Data;
        int[] masks = _state.SnapshotMasks();
        PrepareJson(ctx.Response, 200);
        using (var w = new Utf8JsonWriter(ctx.Response.BodyWriter, default))
        {
            w.WriteStartObject();
            w.WriteString("id", d.OrganizationId);
            w.WriteString("name", _state.OrganizationName);
            w.WriteString("selfUri", "/api/v2/organizations/" + d.OrganizationId);
            w.WriteStartObject("licenses");
            for (int b = 0; b < EmulatorCatalog.Count; b++)
            {
                w.WriteStartArray(EmulatorCatalog.At(b).Id);
                for (int i = 0; i < masks.Length && i < d.UserIds.Length; i++)
                {
                    if ((masks[i] & (1 << b)) != 0)
                    {
                        w.WriteStartObject();
                        w.WriteString("id", d.UserIds[i]);
                        w.WriteString("selfUri", "/api/v2/users/" + d.UserIds[i]);
                        w.WriteEndObject();
                    }
                }

                w.WriteEndArray();
                if (w.BytesPending > 32 * 1024)
                {
                    w.Flush();
                }
            }

            w.WriteEndObject();
            w.WriteEndObject();
        }

        await ctx.Response.BodyWriter.FlushAsync(ctx.RequestAborted).ConfigureAwait(false);
    }

    private Task HandlePostOrganizationAsync(HttpContext ctx, ReadOnlySpan<byte> json, string correlationId)
    {
        LicenseBatchAssignmentRequestModel? request;
        try
        {
            request = JsonSerializer.Deserialize(json, Json.LicenseBatchAssignmentRequestModel);
        }
        catch (JsonException e)
        {
            return WriteErrorAsync(ctx, 400, "bad.request", "The request body is not a valid LicenseBatchAssignmentRequest: " + e.Message, correlationId);
        }

        if (request?.Assignments is null)
        {
            return WriteErrorAsync(ctx, 400, "bad.request", "The request body must be an object with an 'assignments' array.", correlationId);
        }

        long total = 0;
        var assignments = new List<EmulatorAssignment>(request.Assignments.Count);
        foreach (LicenseAssignmentRequestModel? a in request.Assignments)
        {
            if (a is null || string.IsNullOrEmpty(a.LicenseId))
            {
                return WriteErrorAsync(ctx, 400, "bad.request", "Every assignment needs a 'licenseId'.", correlationId);
            }

            List<string?> add = a.UserIdsAdd ?? new List<string?>();
            List<string?> remove = a.UserIdsRemove ?? new List<string?>();
            if (add.Contains(null) || remove.Contains(null) || add.Contains(string.Empty) || remove.Contains(string.Empty))
            {
                return WriteErrorAsync(ctx, 400, "bad.request", "User ids must be non-empty strings.", correlationId);
            }

            total += add.Count + remove.Count;
            assignments.Add(new EmulatorAssignment(a.LicenseId, add!, remove!));
        }

        if (total > _options.MaxBatchSize)
        {
            return WriteBatchTooLargeAsync(ctx, total, correlationId);
        }

        IReadOnlyList<EmulatorUpdateStatus> statuses = _state.ApplyAssignments(assignments);
        var models = new List<LicenseUpdateStatusModel>(statuses.Count);
        foreach (EmulatorUpdateStatus s in statuses)
        {
            models.Add(new LicenseUpdateStatusModel { UserId = s.UserId, LicenseId = s.LicenseId, Result = s.Result });
        }

        return WriteJsonAsync(ctx, 200, models, Json.ListLicenseUpdateStatusModel);
    }

    private static bool TryReadIds(ReadOnlySpan<byte> json, out List<string?>? ids, out string? error)
    {
        try
        {
            ids = JsonSerializer.Deserialize(json, Json.ListString);
        }
        catch (JsonException e)
        {
            ids = null;
            error = "The request body must be a JSON array of strings: " + e.Message;
            return false;
        }

        if (ids is null)
        {
            error = "The request body must be a JSON array of strings, not null.";
            return false;
        }

        error = null;
        return true;
    }

    private Task WriteBatchTooLargeAsync(HttpContext ctx, long count, string correlationId)
    {
        string message = $"The request has {count} ids; at most {_options.MaxBatchSize} are allowed in one request.";
        var body = NewError(400, "constraint.validation", message, correlationId, null, null);
        body.Details.Add(new ErrorDetail { ErrorCode = "constraint.validation", FieldName = "body" });
        return WriteJsonAsync(ctx, 400, body, Json.ErrorBody);
    }

    // ---- control API ------------------------------------------------------------------------------------------

    private async Task HandleControlAsync(HttpContext ctx, string path, string correlationId)
    {
        HttpRequest req = ctx.Request;
        bool get = HttpMethods.IsGet(req.Method);
        bool post = HttpMethods.IsPost(req.Method);
        string sub = path.Substring("/emulator".Length).TrimEnd('/').ToLowerInvariant();

        byte[]? body = null;
        int length = 0;
        try
        {
            if (post)
            {
                bool tooLarge;
                (body, length, tooLarge) = await ReadBodyAsync(req).ConfigureAwait(false);
                if (tooLarge)
                {
                    await WriteTooLargeAsync(ctx, correlationId).ConfigureAwait(false);
                    return;
                }
            }

            ReadOnlySpan<byte> json() => body is null ? ReadOnlySpan<byte>.Empty : body.AsSpan(0, length);

            switch (sub)
            {
                case "/ping" when get:
                    await WriteBytesAsync(ctx, 200, PingBytes).ConfigureAwait(false);
                    return;
                case "/stats" when get:
                    await WriteJsonAsync(ctx, 200, _stats.Snapshot(), Json.StatsModel).ConfigureAwait(false);
                    return;
                case "/faults" when get:
                    await WriteJsonAsync(ctx, 200, DescribeSettings(Settings), Json.FaultSettingsModel).ConfigureAwait(false);
                    return;
                case "/faults" when post:
                    await HandleSetFaultsAsync(ctx, json(), correlationId).ConfigureAwait(false);
                    return;
                case "/tokens/expire" when post:
                    await WriteJsonAsync(ctx, 200, new ExpireResponseModel { Expired = _tokens.ExpireAll() }, Json.ExpireResponseModel).ConfigureAwait(false);
                    return;
                case "/reset" when post:
                    await HandleResetAsync(ctx, json(), correlationId).ConfigureAwait(false);
                    return;
                default:
                    await WriteErrorAsync(ctx, 404, "not.found", $"No control resource at {req.Method} {path}.", correlationId).ConfigureAwait(false);
                    return;
            }
        }
        finally
        {
            if (body is not null)
            {
                ArrayPool<byte>.Shared.Return(body);
            }
        }
    }

    private Task HandleSetFaultsAsync(HttpContext ctx, ReadOnlySpan<byte> json, string correlationId)
    {
        FaultSettingsModel? m;
        try
        {
            m = json.IsEmpty ? new FaultSettingsModel() : JsonSerializer.Deserialize(json, Json.FaultSettingsModel);
        }
        catch (JsonException e)
        {
            return WriteErrorAsync(ctx, 400, "bad.request", "The body is not valid fault settings: " + e.Message, correlationId);
        }

        m ??= new FaultSettingsModel();
        string? problem =
            m.LatencyMs < 0 ? "latencyMs must be 0 or more." :
            m.FaultRate is double r && (double.IsNaN(r) || r < 0 || r > 1) ? "faultRate must be from 0 to 1." :
            m.RateLimit < 0 ? "rateLimit must be 0 (off) or more." :
            m.RateWindowSeconds < 1 ? "rateWindowSeconds must be at least 1." :
            m.UsersBatchShape is string s && s != "object" && s != "array" ? "usersBatchShape must be \"object\" or \"array\"." :
            null;
        if (problem is null && m.Rules is not null)
        {
            foreach (FaultRuleModel? rule in m.Rules)
            {
                if (rule is null || rule.Status < 400 || rule.Status > 599)
                {
                    problem = "Every rule needs a status from 400 to 599.";
                }
                else if (rule.Count < 0)
                {
                    problem = "A rule's count must be null (forever) or 0 or more.";
                }
            }
        }

        if (problem is not null)
        {
            return WriteErrorAsync(ctx, 400, "bad.request", problem, correlationId);
        }

        FaultSettings current = Settings;
        var next = new FaultSettings
        {
            LatencyMs = m.LatencyMs ?? current.LatencyMs,
            FaultRate = m.FaultRate ?? current.FaultRate,
            RateLimit = m.RateLimit ?? current.RateLimit,
            RateWindowSeconds = m.RateWindowSeconds ?? current.RateWindowSeconds,
            UsersBatchAsArray = m.UsersBatchShape is null ? current.UsersBatchAsArray : m.UsersBatchShape == "array",
            Rules = m.Rules is null
                ? current.Rules
                : m.Rules.ConvertAll(r => new FaultRule(r.Method, r.Path, r.BodyContains, r.Status, r.Count)),
        };
        Volatile.Write(ref _settings, next);
        return WriteJsonAsync(ctx, 200, DescribeSettings(next), Json.FaultSettingsModel);
    }

    private static FaultSettingsModel DescribeSettings(FaultSettings s)
    {
        var rules = new List<FaultRuleModel>(s.Rules.Count);
        foreach (FaultRule r in s.Rules)
        {
            rules.Add(new FaultRuleModel { Method = r.Method, Path = r.Path, BodyContains = r.BodyContains, Status = r.Status, Count = r.Remaining });
        }

        return new FaultSettingsModel
        {
            LatencyMs = s.LatencyMs,
            FaultRate = s.FaultRate,
            RateLimit = s.RateLimit,
            RateWindowSeconds = s.RateWindowSeconds,
            UsersBatchShape = s.UsersBatchAsArray ? "array" : "object",
            Rules = rules,
        };
    }

    private Task HandleResetAsync(HttpContext ctx, ReadOnlySpan<byte> json, string correlationId)
    {
        ResetRequestModel? m;
        try
        {
            m = json.IsEmpty ? null : JsonSerializer.Deserialize(json, Json.ResetRequestModel);
        }
        catch (JsonException e)
        {
            return WriteErrorAsync(ctx, 400, "bad.request", "The body is not a valid reset request: " + e.Message, correlationId);
        }

        int users = m?.Users ?? _options.Users;
        int seed = m?.Seed ?? _options.Seed;
        if (users < 0 || users > EmulatorOptions.MaxUsers)
        {
            return WriteErrorAsync(ctx, 400, "bad.request", $"users must be from 0 to {EmulatorOptions.MaxUsers}.", correlationId);
        }

        _state.Reset(users, seed);
        _stats.Clear();
        Volatile.Write(ref _settings, FaultSettings.From(_options));
        _tokens.ResetWindows();
        return WriteJsonAsync(ctx, 200, new ResetResponseModel { OrganizationId = _state.OrganizationId, Users = users, Seed = seed }, Json.ResetResponseModel);
    }

    // ---- plumbing ---------------------------------------------------------------------------------------------

    private void SetAnonymousRateHeaders(HttpResponse res)
    {
        FaultSettings s = Settings;
        res.Headers["inin-ratelimit-allowed"] = AllowedHeader(s.RateLimit);
        res.Headers["inin-ratelimit-count"] = "0";
        res.Headers["inin-ratelimit-reset"] = s.RateWindowSeconds.ToString(CultureInfo.InvariantCulture);
    }

    /// <summary>The allowed header; with rate limiting off it reports int.MaxValue (no limit).</summary>
    private static string AllowedHeader(int limit) =>
        (limit > 0 ? limit : int.MaxValue).ToString(CultureInfo.InvariantCulture);

    /// <summary>Reads the body into a pooled buffer; a body over the limit is drained (up to 64 MiB) and reported.</summary>
    private async Task<(byte[]? Buffer, int Length, bool TooLarge)> ReadBodyAsync(HttpRequest req)
    {
        long? declared = req.ContentLength;
        if (declared == 0 || (declared is null && req.Headers.TransferEncoding.Count == 0))
        {
            return (null, 0, false);
        }

        long max = _options.MaxRequestBodyBytes;
        if (declared > max)
        {
            await DrainAsync(req.Body, req.HttpContext.RequestAborted).ConfigureAwait(false);
            return (null, 0, true);
        }

        int initial = (int)Math.Min(declared ?? 4096, Math.Min(max + 1, int.MaxValue - 64));
        byte[] buffer = ArrayPool<byte>.Shared.Rent(Math.Max(initial, 256));
        int length = 0;
        try
        {
            while (true)
            {
                if (length == buffer.Length)
                {
                    byte[] bigger = ArrayPool<byte>.Shared.Rent((int)Math.Min((long)buffer.Length * 2, int.MaxValue - 64));
                    Buffer.BlockCopy(buffer, 0, bigger, 0, length);
                    ArrayPool<byte>.Shared.Return(buffer);
                    buffer = bigger;
                }

                int n = await req.Body.ReadAsync(buffer.AsMemory(length), req.HttpContext.RequestAborted).ConfigureAwait(false);
                if (n == 0)
                {
                    return (buffer, length, false);
                }

                length += n;
                if (length > max)
                {
                    ArrayPool<byte>.Shared.Return(buffer);
                    await DrainAsync(req.Body, req.HttpContext.RequestAborted).ConfigureAwait(false);
                    return (null, 0, true);
                }
            }
        }
        catch
        {
            ArrayPool<byte>.Shared.Return(buffer);
            throw;
        }
    }

    private static async Task DrainAsync(Stream body, CancellationToken ct)
    {
        byte[] scratch = ArrayPool<byte>.Shared.Rent(64 * 1024);
        try
        {
            long drained = 0;
            int n;
            while (drained < DrainLimitBytes && (n = await body.ReadAsync(scratch, ct).ConfigureAwait(false)) > 0)
            {
                drained += n;
            }
        }
        catch (IOException)
        {
            // The client gave up sending; the 413 is still written if the connection lives.
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(scratch);
        }
    }

    private Task WriteTooLargeAsync(HttpContext ctx, string correlationId) =>
        WriteErrorAsync(ctx, 413, "request.entity.too.large",
            $"The request body is larger than the maximum of {_options.MaxRequestBodyBytes} bytes.", correlationId);

    private static Task WriteFaultAsync(HttpContext ctx, int status, string correlationId)
    {
        (string code, string message) = status switch
        {
            400 => ("bad.request", "The request could not be understood by the server due to malformed syntax."),
            401 => ("bad.credentials", "Invalid login credentials."),
            403 => ("missing.any.permissions", "Unable to perform the requested action. You are missing the following permission(s): authorization:grant:add"),
            404 => ("not.found", "The requested resource was not found."),
            408 => ("client.timeout", "The client did not produce a request within the server timeout limit."),
            409 => ("conflict", "The request conflicts with the current state."),
            413 => ("request.entity.too.large", "The request is over the size limit."),
            429 => ("too.many.requests.retry.after", "Rate limit exceeded the maximum. Retry the request in [1] seconds"),
            500 => ("internal.server.error", "The server encountered an unexpected condition."),
            502 => ("bad.gateway", "The server received an invalid response from an upstream server."),
            503 => ("service.unavailable", "Service unavailable - The server is currently unavailable."),
            504 => ("gateway.timeout", "The upstream server did not respond in time."),
            _ when status >= 500 => ("server.error", "The server failed to fulfil the request."),
            _ => ("client.error", "The request was refused."),
        };
        if (status == 429)
        {
            ctx.Response.Headers.RetryAfter = "1";
        }

        return WriteErrorAsync(ctx, status, code, message + " (injected by the emulator)", correlationId);
    }

    private static ErrorBody NewError(int status, string code, string message, string correlationId, string? entityId, string? entityName) => new()
    {
        Message = message,
        Code = code,
        Status = status,
        EntityId = entityId,
        EntityName = entityName,
        ContextId = correlationId,
        MessageWithParams = message,
    };

    private static Task WriteErrorAsync(HttpContext ctx, int status, string code, string message, string correlationId, string? entityId = null, string? entityName = null) =>
        WriteJsonAsync(ctx, status, NewError(status, code, message, correlationId, entityId, entityName), Json.ErrorBody);

    private static Task WriteOAuthErrorAsync(HttpContext ctx, int status, string error, string description)
    {
        if (status == 401)
        {
            ctx.Response.Headers.WWWAuthenticate = "Basic realm=\"oauth\"";
        }

        return WriteJsonAsync(ctx, status, new OAuthError { Error = error, Description = description }, Json.OAuthError);
    }

    private static void PrepareJson(HttpResponse res, int status)
    {
        res.StatusCode = status;
        res.ContentType = JsonContentType;
    }

    private static Task WriteJsonAsync<T>(HttpContext ctx, int status, T value, JsonTypeInfo<T> typeInfo) =>
        WriteBytesAsync(ctx, status, JsonSerializer.SerializeToUtf8Bytes(value, typeInfo));

    private static Task WriteBytesAsync(HttpContext ctx, int status, byte[] bytes)
    {
        HttpResponse res = ctx.Response;
        PrepareJson(res, status);
        res.ContentLength = bytes.Length;
        return res.Body.WriteAsync(bytes, 0, bytes.Length, ctx.RequestAborted);
    }

    private static LicenseDefinitionModel ToModel(EmulatorLicense l)
    {
        var m = new LicenseDefinitionModel
        {
            Id = l.Id,
            Description = l.Description,
            Permissions = new PermissionsModel { Ids = new List<string>(l.Permissions) },
            SelfUri = l.SelfUri,
        };
        foreach (string p in l.Prerequisites)
        {
            m.Prerequisites.Add(new AddressableLicenseDefinitionModel { Id = p, SelfUri = "/api/v2/license/definitions/" + p });
        }

        foreach (string c in l.Comprises)
        {
            m.Comprises.Add(ToModel(EmulatorCatalog.FindLicense(c)!));
        }

        return m;
    }
}
