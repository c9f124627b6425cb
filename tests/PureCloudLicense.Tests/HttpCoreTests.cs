using System;
using System.Diagnostics;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using PureCloudLicense.Api;
using PureCloudLicense.Api.Auth;
using PureCloudLicense.Emulator;
using Xunit;

namespace PureCloudLicense.Tests;

/// <summary>Auth, retry, pacing, cancellation and tracing of the HTTP core, over real HTTP to the emulator.</summary>
public sealed class HttpCoreTests
{
    private const string DefinitionsRoute = "GET /api/v2/license/definitions";

    [Fact]
    public async Task Connecting_gets_one_token_and_reads_the_org()
    {
        await using var emulator = await Emulator.StartAsync();
        using var client = emulator.Client();

        await client.AuthenticateAsync(CancellationToken.None);
        var org = await client.GetOrganizationAsync(CancellationToken.None);

        Assert.Equal(emulator.Server.State.OrganizationId, org.Id);
        Assert.Equal(emulator.Server.State.OrganizationName, org.Name);
        Assert.Equal(AuthKind.ClientCredentials, client.Tokens.Kind);
        Assert.True(client.Tokens.ExpiresOn > DateTimeOffset.UtcNow.AddHours(23));
        Assert.Equal(1, (await emulator.StatsAsync())["tokensIssued"]!.GetValue<int>());
    }

    [Fact]
    public async Task A_wrong_secret_fails_fast_as_AuthenticationFailed_without_the_secret_in_the_message()
    {
        await using var emulator = await Emulator.StartAsync();
        using var client = emulator.Client(secret: "not-the-secret-xyz");
        var clock = Stopwatch.StartNew();

        var ex = await Assert.ThrowsAsync<GenesysApiException>(() => client.AuthenticateAsync(CancellationToken.None));

        Assert.Equal(ApiFailureKind.AuthenticationFailed, ex.Kind);
        Assert.Equal(401, ex.StatusCode);
        Assert.Equal("invalid_client", ex.ErrorCode);
        Assert.Equal(0, ex.Retries);
        Assert.DoesNotContain("not-the-secret-xyz", ex.ToString());
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(5), $"took {clock.Elapsed}");
    }

    [Fact]
    public async Task A_token_is_renewed_before_it_expires()
    {
        // A 3 s lifetime gives a 0.3 s renewal margin: after 3 s the cached token is due.
        await using var emulator = await Emulator.StartAsync(o => o.TokenLifetimeSeconds = 3);
        using var client = emulator.Client();
        await client.GetDefinitionsAsync(CancellationToken.None);
        var firstExpiry = client.Tokens.ExpiresOn;

        await Task.Delay(TimeSpan.FromSeconds(3.2));
        await client.GetDefinitionsAsync(CancellationToken.None);

        Assert.Equal(2, ((ClientCredentialsTokenProvider)client.Tokens).TokensAcquired);
        Assert.True(client.Tokens.ExpiresOn > firstExpiry);
        Assert.Equal(0, await emulator.RouteCountAsync(DefinitionsRoute, 401));
    }

    [Fact]
    public async Task A_401_renews_the_token_once_and_the_call_succeeds()
    {
        await using var emulator = await Emulator.StartAsync();
        using var client = emulator.Client();
        await client.GetDefinitionsAsync(CancellationToken.None);

        await emulator.ExpireTokensAsync();
        var definitions = await client.GetDefinitionsAsync(CancellationToken.None);

        Assert.NotEmpty(definitions);
        Assert.Equal(1, await emulator.RouteCountAsync(DefinitionsRoute, 401));
        Assert.Equal(2, (await emulator.StatsAsync())["tokensIssued"]!.GetValue<int>());
    }

    [Fact]
    public async Task Parallel_calls_after_expiry_share_one_renewal()
    {
        await using var emulator = await Emulator.StartAsync();
        using var client = emulator.Client();
        await client.GetDefinitionsAsync(CancellationToken.None);
        await emulator.ExpireTokensAsync();

        await Task.WhenAll(Enumerable.Range(0, 8).Select(_ => client.GetDefinitionsAsync(CancellationToken.None)));

        Assert.Equal(2, (await emulator.StatsAsync())["tokensIssued"]!.GetValue<int>());
    }

    [Fact]
    public async Task A_supplied_token_that_gets_401_is_reported_as_expired_or_invalid()
    {
        await using var emulator = await Emulator.StartAsync();
        using var client = LicenseApiClient.WithAccessToken(emulator.Environment, Emulator.Secure("made-up-token"), new ApiClientOptions());

        var ex = await Assert.ThrowsAsync<GenesysApiException>(() => client.GetDefinitionsAsync(CancellationToken.None));

        Assert.Equal(ApiFailureKind.AccessTokenRejected, ex.Kind);
        Assert.Contains("expired or invalid", ex.Message);
        Assert.Equal("bad.credentials", ex.ErrorCode);
        Assert.DoesNotContain("made-up-token", ex.ToString());
    }

    [Fact]
    public async Task A_429_waits_for_Retry_After_then_succeeds()
    {
        await using var emulator = await Emulator.StartAsync();
        using var client = emulator.Client();
        await client.AuthenticateAsync(CancellationToken.None);
        await emulator.SetFaultsAsync(new { rules = new[] { new { method = "GET", path = "/api/v2/license/definitions", status = 429, count = 1 } } });
        var trace = new TraceCollector();
        ApiTrace.Current = trace;
        var clock = Stopwatch.StartNew();

        var definitions = await client.GetDefinitionsAsync(CancellationToken.None);

        Assert.NotEmpty(definitions);
        Assert.True(clock.Elapsed >= TimeSpan.FromSeconds(0.9), $"retried after {clock.Elapsed}, before Retry-After: 1");
        Assert.Equal(1, await emulator.RouteCountAsync(DefinitionsRoute, 429));
        Assert.Contains(trace.VerboseLines, l => l.StartsWith("GET /api/v2/license/definitions -> 200") && l.EndsWith("1 retry"));
    }

    [Theory]
    [InlineData(502)]
    [InlineData(503)]
    [InlineData(504)]
    [InlineData(408)]
    public async Task Transient_statuses_are_retried(int status)
    {
        await using var emulator = await Emulator.StartAsync();
        using var client = emulator.Client(configure: o => o.Retry.BaseDelay = TimeSpan.FromMilliseconds(20));
        await emulator.SetFaultsAsync(new { rules = new[] { new { path = "/api/v2/license/definitions", status, count = 2 } } });

        var definitions = await client.GetDefinitionsAsync(CancellationToken.None);

        Assert.NotEmpty(definitions);
        Assert.Equal(2, await emulator.RouteCountAsync(DefinitionsRoute, status));
        Assert.Equal(1, await emulator.RouteCountAsync(DefinitionsRoute, 200));
    }

    [Fact]
    public async Task A_500_and_a_400_are_not_retried()
    {
        await using var emulator = await Emulator.StartAsync();
        using var client = emulator.Client();
        await emulator.SetFaultsAsync(new { rules = new[] { new { path = "/api/v2/license/definitions", status = 500, count = 5 } } });

        var ex = await Assert.ThrowsAsync<GenesysApiException>(() => client.GetDefinitionsAsync(CancellationToken.None));

        Assert.Equal(500, ex.StatusCode);
        Assert.Equal(0, ex.Retries);
        Assert.Equal(1, await emulator.RouteCountAsync(DefinitionsRoute, 500));
    }

    [Fact]
    public async Task When_the_budget_is_spent_the_error_names_status_message_and_correlation_id()
    {
        await using var emulator = await Emulator.StartAsync();
        using var client = emulator.Client(configure: o =>
        {
            o.Retry.Budget = TimeSpan.FromSeconds(1.5);
            o.Retry.BaseDelay = TimeSpan.FromMilliseconds(100);
        });
        await emulator.SetFaultsAsync(new { rules = new[] { new { path = "/api/v2/license/definitions", status = 503 } } });
        var clock = Stopwatch.StartNew();

        var ex = await Assert.ThrowsAsync<GenesysApiException>(() => client.GetDefinitionsAsync(CancellationToken.None));

        Assert.True(ex.RetryBudgetExhausted);
        Assert.True(ex.Retries >= 2, $"only {ex.Retries} retries");
        Assert.Equal(503, ex.StatusCode);
        Assert.Equal("service.unavailable", ex.ErrorCode);
        Assert.False(string.IsNullOrEmpty(ex.CorrelationId));
        Assert.False(string.IsNullOrEmpty(ex.ServiceMessage));
        Assert.Contains(ex.CorrelationId!, ex.Message);
        Assert.Contains("503", ex.Message);
        Assert.Contains(ex.ServiceMessage!.TrimEnd('.'), ex.Message);
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(4), $"took {clock.Elapsed}");
    }

    [Fact]
    public async Task Cancellation_stops_an_in_flight_request_at_once()
    {
        await using var emulator = await Emulator.StartAsync(o => o.LatencyMs = 10_000);
        using var client = LicenseApiClient.WithAccessToken(emulator.Environment, Emulator.Secure("irrelevant"), new ApiClientOptions());
        using var cancellation = new CancellationTokenSource(TimeSpan.FromMilliseconds(300));
        var clock = Stopwatch.StartNew();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => client.GetDefinitionsAsync(cancellation.Token));

        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(2), $"took {clock.Elapsed}");
    }

    [Fact]
    public async Task Cancellation_interrupts_a_retry_wait()
    {
        await using var emulator = await Emulator.StartAsync();
        using var client = emulator.Client(configure: o => o.Retry.BaseDelay = TimeSpan.FromSeconds(20));
        await client.AuthenticateAsync(CancellationToken.None);
        await emulator.SetFaultsAsync(new { rules = new[] { new { path = "/api/v2/license/definitions", status = 503 } } });
        using var cancellation = new CancellationTokenSource(TimeSpan.FromMilliseconds(500));
        var clock = Stopwatch.StartNew();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => client.GetDefinitionsAsync(cancellation.Token));

        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(3), $"took {clock.Elapsed}");
    }

    [Fact]
    public async Task A_connection_failure_is_retried_then_reported_as_ConnectionFailed()
    {
        // Nothing listens on the port of an emulator that has been stopped.
        var emulator = await Emulator.StartAsync();
        var environment = emulator.Environment;
        await emulator.DisposeAsync();
        var options = new ApiClientOptions();
        options.Retry.Budget = TimeSpan.FromSeconds(1);
        options.Retry.BaseDelay = TimeSpan.FromMilliseconds(50);
        using var client = LicenseApiClient.WithAccessToken(environment, Emulator.Secure("irrelevant"), options);

        var ex = await Assert.ThrowsAsync<GenesysApiException>(() => client.GetDefinitionsAsync(CancellationToken.None));

        Assert.Equal(ApiFailureKind.ConnectionFailed, ex.Kind);
        Assert.True(ex.Retries >= 1);
        Assert.True(ex.RetryBudgetExhausted);
    }

    [Fact]
    public async Task A_host_name_that_does_not_resolve_fails_at_once_without_retries()
    {
        using var client = LicenseApiClient.WithAccessToken(GenesysEnvironment.Resolve("https://no-such-host.invalid"), Emulator.Secure("irrelevant"), new ApiClientOptions());
        var clock = Stopwatch.StartNew();

        var ex = await Assert.ThrowsAsync<GenesysApiException>(() => client.GetDefinitionsAsync(CancellationToken.None));

        Assert.Equal(ApiFailureKind.ConnectionFailed, ex.Kind);
        Assert.Equal(0, ex.Retries);
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(10), $"took {clock.Elapsed}");
    }

    [Fact]
    public async Task Pacing_keeps_a_long_run_under_the_rate_limit()
    {
        // 15 requests per 1 s window; 90 calls four at a time must spread over several windows without 429s.
        await using var emulator = await Emulator.StartAsync(o =>
        {
            o.RateLimit = 15;
            o.RateWindowSeconds = 1;
        });
        using var client = emulator.Client();
        await client.AuthenticateAsync(CancellationToken.None);
        var ids = emulator.Server.State.UserIds.Take(10).ToList();

        await Batching.RunOrderedAsync(
            Enumerable.Range(0, 90),
            4,
            (_, ct) => client.GetUsersAsync(ids, ct),
            (_, users, failure) =>
            {
                Assert.Null(failure);
                Assert.Equal(10, users!.Count);
            },
            CancellationToken.None);

        var stats = await emulator.StatsAsync();
        var throttled = stats["throttled"]!.GetValue<int>();
        Assert.True(throttled <= 2, $"{throttled} requests drew a 429");
        Assert.True(client.Pacer.DelayedRequests > 0, "the pacer never held a request back");
    }

    [Fact]
    public async Task A_renewed_token_starts_a_fresh_rate_window_instead_of_waiting_out_the_old_one()
    {
        // 5 requests per 30 s window, tokens live 4 s (renewed after 3.6 s): once the first token's window is used
        // up, the renewed token has a window of its own and nothing needs to wait for the old one.
        await using var emulator = await Emulator.StartAsync(o =>
        {
            o.RateLimit = 5;
            o.RateWindowSeconds = 30;
            o.TokenLifetimeSeconds = 4;
        });
        using var client = emulator.Client();
        for (var i = 0; i < 5; i++)
        {
            await client.GetDefinitionsAsync(CancellationToken.None);
        }

        await Task.Delay(TimeSpan.FromSeconds(3.7));
        var clock = Stopwatch.StartNew();
        var definitions = await client.GetDefinitionsAsync(CancellationToken.None);

        Assert.NotEmpty(definitions);
        Assert.Equal(2, ((ClientCredentialsTokenProvider)client.Tokens).TokensAcquired);
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(5), $"waited {clock.Elapsed} for the old token's window");
        Assert.Equal(0, (await emulator.StatsAsync())["throttled"]!.GetValue<int>());
    }

    [Fact]
    public async Task Verbose_has_one_line_per_call_with_method_path_status_time_correlation_and_retries()
    {
        await using var emulator = await Emulator.StartAsync();
        using var client = emulator.Client();
        await client.AuthenticateAsync(CancellationToken.None);
        var trace = new TraceCollector { BodiesEnabled = true };
        ApiTrace.Current = trace;

        await client.GetDefinitionsAsync(CancellationToken.None);
        await client.GetDefinitionAsync(EmulatorCatalog.CloudCX1, CancellationToken.None);

        var lines = trace.VerboseLines.ToArray();
        Assert.Equal(2, lines.Length);
        Assert.Matches(@"^GET /api/v2/license/definitions -> 200 in \d+ ms, correlation id [0-9a-f-]{36}, 0 retries$", lines[0]);
        Assert.StartsWith("GET /api/v2/license/definitions/cloudCX1 -> 200", lines[1]);
        Assert.Contains(trace.DebugLines, l => l.Contains("\"cloudCX1\""));
    }

    [Fact]
    public async Task Debug_bodies_never_show_the_token()
    {
        await using var emulator = await Emulator.StartAsync();
        using var client = emulator.Client();
        var trace = new TraceCollector { BodiesEnabled = true };
        ApiTrace.Current = trace;

        await client.AuthenticateAsync(CancellationToken.None);
        var token = await client.Tokens.GetTokenAsync(CancellationToken.None);

        Assert.Contains(trace.DebugLines, l => l.Contains("\"access_token\":\"***\"") || l.Contains("\"access_token\": \"***\""));
        Assert.DoesNotContain(trace.DebugLines.Concat(trace.VerboseLines), l => l.Contains(token));
        Assert.DoesNotContain(trace.DebugLines.Concat(trace.VerboseLines), l => l.Contains(emulator.Server.Options.ClientSecret));
    }
}
