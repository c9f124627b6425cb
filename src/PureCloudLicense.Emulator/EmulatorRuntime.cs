using System;
using System.Collections.Concurrent;
using System.Collections.Generic;
using System.Security.Cryptography;
using System.Threading;

namespace PureCloudLicense.Emulator;

/// <summary>An issued access token and its rate-limit window.</summary>
internal sealed class TokenInfo
{
    public TokenInfo(string value, long expiresAtMs)
    {
        Value = value;
        _expiresAtMs = expiresAtMs;
        WindowStartMs = Environment.TickCount64;
    }

    private long _expiresAtMs;
    public string Value { get; }
    public readonly object Gate = new();
    public long WindowStartMs;
    public int Count;

    public bool IsExpired(long nowMs) => nowMs >= Interlocked.Read(ref _expiresAtMs);

    public void ExpireNow() => Interlocked.Exchange(ref _expiresAtMs, long.MinValue);
}

internal readonly record struct RateDecision(bool Allowed, int Count, int ResetSeconds);

/// <summary>Issued tokens (opaque random strings) and their per-token fixed-window rate limits.</summary>
internal sealed class TokenStore
{
    private readonly ConcurrentDictionary<string, TokenInfo> _tokens = new(StringComparer.Ordinal);

    public string Issue(int lifetimeSeconds)
    {
        Span<byte> bytes = stackalloc byte[32];
        RandomNumberGenerator.Fill(bytes);
        string value = Convert.ToBase64String(bytes).TrimEnd('=').Replace('+', '-').Replace('/', '_');
        _tokens[value] = new TokenInfo(value, Environment.TickCount64 + lifetimeSeconds * 1000L);
        return value;
    }

    public TokenInfo? Find(string value) => _tokens.TryGetValue(value, out TokenInfo? t) ? t : null;

    public int ExpireAll()
    {
        int n = 0;
        foreach (TokenInfo t in _tokens.Values)
        {
            t.ExpireNow();
            n++;
        }

        return n;
    }

    public void ResetWindows()
    {
        long now = Environment.TickCount64;
        foreach (TokenInfo t in _tokens.Values)
        {
            lock (t.Gate)
            {
                t.WindowStartMs = now;
                t.Count = 0;
            }
        }
    }

    /// <summary>Counts one request against the token's window, unless it is over the limit (0 = no limit).</summary>
    public static RateDecision Check(TokenInfo token, int limit, int windowSeconds)
    {
        long windowMs = windowSeconds * 1000L;
        lock (token.Gate)
        {
            long now = Environment.TickCount64;
            if (now - token.WindowStartMs >= windowMs)
            {
                token.WindowStartMs = now;
                token.Count = 0;
            }

            long remainingMs = token.WindowStartMs + windowMs - now;
            int reset = (int)Math.Max(1, (remainingMs + 999) / 1000);
            if (limit > 0 && token.Count >= limit)
            {
                return new RateDecision(false, token.Count, reset);
            }

            token.Count++;
            return new RateDecision(true, token.Count, reset);
        }
    }
}

/// <summary>A fault rule of the control API.</summary>
internal sealed class FaultRule
{
    private int _remaining;

    public FaultRule(string? method, string? path, string? bodyContains, int status, int? count)
    {
        Method = string.IsNullOrEmpty(method) ? null : method;
        Path = string.IsNullOrEmpty(path) ? null : path;
        BodyContains = string.IsNullOrEmpty(bodyContains) ? null : bodyContains;
        Status = status;
        _remaining = count ?? -1;
    }

    public string? Method { get; }
    public string? Path { get; }
    public string? BodyContains { get; }
    public int Status { get; }

    /// <summary>Times left, or null for forever.</summary>
    public int? Remaining
    {
        get
        {
            int r = Volatile.Read(ref _remaining);
            return r < 0 ? null : r;
        }
    }

    public bool Matches(string method, string path, string? body) =>
        (Method is null || string.Equals(Method, method, StringComparison.OrdinalIgnoreCase)) &&
        (Path is null || string.Equals(Path, path, StringComparison.OrdinalIgnoreCase)) &&
        (BodyContains is null || (body is not null && body.Contains(BodyContains, StringComparison.Ordinal)));

    /// <summary>Takes one use of the rule; false when it is used up.</summary>
    public bool TryConsume()
    {
        while (true)
        {
            int r = Volatile.Read(ref _remaining);
            if (r < 0)
            {
                return true;
            }

            if (r == 0)
            {
                return false;
            }

            if (Interlocked.CompareExchange(ref _remaining, r - 1, r) == r)
            {
                return true;
            }
        }
    }
}

/// <summary>Run-time settings the control API can change. Immutable: changes swap the whole object.</summary>
internal sealed class FaultSettings
{
    public int LatencyMs { get; init; }
    public double FaultRate { get; init; }
    public int RateLimit { get; init; }
    public int RateWindowSeconds { get; init; } = 60;
    public bool UsersBatchAsArray { get; init; }
    public IReadOnlyList<FaultRule> Rules { get; init; } = Array.Empty<FaultRule>();

    public static FaultSettings From(EmulatorOptions o) => new()
    {
        LatencyMs = o.LatencyMs,
        FaultRate = o.FaultRate,
        RateLimit = o.RateLimit,
        RateWindowSeconds = o.RateWindowSeconds,
    };
}

/// <summary>The routes whose answers are counted in the stats.</summary>
internal enum RouteId
{
    OAuthToken,
    GetOrganizationMe,
    GetDefinitions,
    GetDefinition,
    GetUsersPage,
    GetUser,
    PostUsers,
    PostInfer,
    GetOrganization,
    PostOrganization,
    Unmatched,
}

/// <summary>Request counters. Lock-free.</summary>
internal sealed class EmulatorStats
{
    public static readonly string[] RouteKeys =
    {
        "POST /oauth/token",
        "GET /api/v2/organizations/me",
        "GET /api/v2/license/definitions",
        "GET /api/v2/license/definitions/{licenseId}",
        "GET /api/v2/license/users",
        "GET /api/v2/license/users/{userId}",
        "POST /api/v2/license/users",
        "POST /api/v2/license/infer",
        "GET /api/v2/license/organization",
        "POST /api/v2/license/organization",
        "(unmatched)",
    };

    private const int StatusSlots = 600;
    private readonly long[] _byRouteStatus = new long[RouteKeys.Length * StatusSlots];
    private long _total;
    private long _throttled;
    private long _tokens;
    private long _faults;

    public void CountRequest() => Interlocked.Increment(ref _total);
    public void CountThrottled() => Interlocked.Increment(ref _throttled);
    public void CountToken() => Interlocked.Increment(ref _tokens);
    public void CountFault() => Interlocked.Increment(ref _faults);

    public void CountAnswer(RouteId route, int status)
    {
        if (status >= 0 && status < StatusSlots)
        {
            Interlocked.Increment(ref _byRouteStatus[((int)route * StatusSlots) + status]);
        }
    }

    public void Clear()
    {
        Interlocked.Exchange(ref _total, 0);
        Interlocked.Exchange(ref _throttled, 0);
        Interlocked.Exchange(ref _tokens, 0);
        Interlocked.Exchange(ref _faults, 0);
        for (int i = 0; i < _byRouteStatus.Length; i++)
        {
            Interlocked.Exchange(ref _byRouteStatus[i], 0);
        }
    }

    public StatsModel Snapshot()
    {
        var model = new StatsModel
        {
            TotalRequests = Interlocked.Read(ref _total),
            Throttled = Interlocked.Read(ref _throttled),
            TokensIssued = Interlocked.Read(ref _tokens),
            FaultsInjected = Interlocked.Read(ref _faults),
        };
        for (int r = 0; r < RouteKeys.Length; r++)
        {
            SortedDictionary<string, long>? statuses = null;
            for (int s = 0; s < StatusSlots; s++)
            {
                long n = Interlocked.Read(ref _byRouteStatus[(r * StatusSlots) + s]);
                if (n != 0)
                {
                    statuses ??= new SortedDictionary<string, long>(StringComparer.Ordinal);
                    statuses[s.ToString(System.Globalization.CultureInfo.InvariantCulture)] = n;
                }
            }

            if (statuses is not null)
            {
                model.Routes[RouteKeys[r]] = statuses;
            }
        }

        return model;
    }
}
