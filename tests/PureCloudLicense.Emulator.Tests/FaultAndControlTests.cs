using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.Linq;
using System.Net;
using System.Net.Http;
using System.Text.Json;
using System.Threading.Tasks;
using Xunit;

namespace PureCloudLicense.Emulator.Tests;

public sealed class FaultTests
{
    [Fact]
    public async Task FaultRateOne_AnswersOnly502To504_AndTouchesNoState()
    {
        await using TestEmulator emu = await TestEmulator.StartAsync(o => { o.Users = 20; o.FaultRate = 1.0; });
        string token = await emu.GetTokenAsync(); // OAuth is not subject to faults
        IReadOnlyDictionary<string, IReadOnlyList<string>> before = emu.State.GetAllUserLicenses();
        string[] u = emu.State.UserIds.ToArray();
        var statuses = new HashSet<int>();
        for (int i = 0; i < 30; i++)
        {
            using HttpResponseMessage r = i % 2 == 0
                ? await emu.PostAsync("api/v2/license/organization", token, TestEmulator.Assignments(("cloudCX4", u, Array.Empty<string>())))
                : await emu.GetAsync("api/v2/license/definitions", token);
            int status = (int)r.StatusCode;
            Assert.Contains(status, new[] { 502, 503, 504 });
            string code = status switch { 502 => "bad.gateway", 503 => "service.unavailable", _ => "gateway.timeout" };
            await TestEmulator.AssertErrorAsync(r, r.StatusCode, code);
            statuses.Add(status);
        }

        Assert.True(statuses.Count >= 2, "expected a mix of 502/503/504");
        Assert.Equal(before, emu.State.GetAllUserLicenses());
        JsonElement stats = await emu.GetJsonAsync("emulator/stats", null);
        Assert.Equal(30, stats.GetProperty("faultsInjected").GetInt64());

        // Faults come after authentication.
        using HttpResponseMessage unauth = await emu.GetAsync("api/v2/license/definitions", null);
        Assert.Equal(HttpStatusCode.Unauthorized, unauth.StatusCode);
    }

    [Fact]
    public async Task Rules_MatchMethodPathAndBody_ForCountTimes()
    {
        await using TestEmulator emu = await TestEmulator.StartAsync(o => o.Users = 20);
        string token = await emu.GetTokenAsync();
        string user = emu.State.UserIds[0];
        emu.State.SetUserLicenses(user, new[] { "collaborate" });
        string marked = TestEmulator.Assignments(("communicate", new[] { user }, Array.Empty<string>()));
        string other = TestEmulator.Assignments(("collaborate", new[] { user }, Array.Empty<string>()));

        JsonElement set = await emu.SetFaultsAsync(
            "{\"rules\":[{\"method\":\"POST\",\"path\":\"/api/v2/license/organization\",\"bodyContains\":\"communicate\",\"status\":503,\"count\":2}]}");
        Assert.Equal(2, set.GetProperty("rules")[0].GetProperty("count").GetInt32());

        for (int i = 0; i < 2; i++)
        {
            using HttpResponseMessage r = await emu.PostAsync("api/v2/license/organization", token, marked);
            await TestEmulator.AssertErrorAsync(r, HttpStatusCode.ServiceUnavailable, "service.unavailable");
            Assert.Equal(new[] { "collaborate" }, emu.State.GetUserLicenses(user));
        }

        // Not matching: other body, other method.
        await emu.PostJsonAsync("api/v2/license/organization", token, other);
        await emu.GetJsonAsync("api/v2/license/organization", token);

        JsonElement current = await emu.GetJsonAsync("emulator/faults", null);
        Assert.Equal(0, current.GetProperty("rules")[0].GetProperty("count").GetInt32());

        // Used up: the third matching request goes through.
        JsonElement ok = await emu.PostJsonAsync("api/v2/license/organization", token, marked);
        Assert.Equal("Success", ok[0].GetProperty("result").GetString());
        Assert.Equal(new[] { "collaborate", "communicate" }, emu.State.GetUserLicenses(user));
    }

    [Fact]
    public async Task Rules_NamingTheTokenPath_FaultTheLoginService_AndNoOtherRuleDoes()
    {
        await using TestEmulator emu = await TestEmulator.StartAsync(o => o.Users = 20);

        // A rule without a path does not keep clients from their token.
        await emu.SetFaultsAsync("{\"rules\":[{\"method\":\"POST\",\"status\":503}]}");
        string token = await emu.GetTokenAsync();
        Assert.False(string.IsNullOrEmpty(token));

        await emu.SetFaultsAsync("{\"rules\":[{\"path\":\"/oauth/token\",\"status\":503,\"count\":1}]}");
        using (HttpResponseMessage refused = await emu.PostAsync("oauth/token", null, "{}"))
        {
            await TestEmulator.AssertErrorAsync(refused, HttpStatusCode.ServiceUnavailable, "service.unavailable");
        }

        Assert.False(string.IsNullOrEmpty(await emu.GetTokenAsync()));
        JsonElement stats = await emu.GetJsonAsync("emulator/stats", null);
        Assert.Equal(1, stats.GetProperty("faultsInjected").GetInt64());
    }

    [Theory]
    [InlineData(403, "missing.any.permissions")]
    [InlineData(408, "client.timeout")]
    [InlineData(500, "internal.server.error")]
    [InlineData(502, "bad.gateway")]
    [InlineData(504, "gateway.timeout")]
    [InlineData(429, "too.many.requests.retry.after")]
    public async Task Rules_AnswerTheirStatusWithTheRightCode_Forever(int status, string code)
    {
        await using TestEmulator emu = await TestEmulator.StartAsync(o => o.Users = 5);
        string token = await emu.GetTokenAsync();
        await emu.SetFaultsAsync($"{{\"rules\":[{{\"path\":\"/api/v2/license/definitions\",\"status\":{status},\"count\":null}}]}}");
        for (int i = 0; i < 3; i++)
        {
            using HttpResponseMessage r = await emu.GetAsync("api/v2/license/definitions", token);
            await TestEmulator.AssertErrorAsync(r, (HttpStatusCode)status, code);
            if (status == 429)
            {
                Assert.Equal(TimeSpan.FromSeconds(1), r.Headers.RetryAfter!.Delta);
            }
        }

        await emu.GetJsonAsync("api/v2/license/definitions/collaborate", token);

        // Rules come after authentication.
        using HttpResponseMessage unauth = await emu.GetAsync("api/v2/license/definitions", "bogus");
        Assert.Equal(HttpStatusCode.Unauthorized, unauth.StatusCode);
    }

    [Fact]
    public async Task PostingFaults_ChangesOnlyThePresentMembers_AndRulesReplace()
    {
        await using TestEmulator emu = await TestEmulator.StartAsync(o => { o.Users = 5; o.RateLimit = 77; });
        await emu.SetFaultsAsync("{\"rules\":[{\"status\":500},{\"status\":502}]}");
        JsonElement s = await emu.SetFaultsAsync("{\"latencyMs\":5}");
        Assert.Equal(5, s.GetProperty("latencyMs").GetInt32());
        Assert.Equal(77, s.GetProperty("rateLimit").GetInt32());
        Assert.Equal(2, s.GetProperty("rules").GetArrayLength());
        s = await emu.SetFaultsAsync("{\"rules\":[{\"status\":503,\"method\":\"GET\"}]}");
        Assert.Equal(503, Assert.Single(s.GetProperty("rules").EnumerateArray()).GetProperty("status").GetInt32());
        Assert.Equal(5, s.GetProperty("latencyMs").GetInt32());

        using HttpResponseMessage bad = await emu.PostAsync("emulator/faults", null, "{\"faultRate\":2}");
        await TestEmulator.AssertErrorAsync(bad, HttpStatusCode.BadRequest, "bad.request");
        using HttpResponseMessage badRule = await emu.PostAsync("emulator/faults", null, "{\"rules\":[{\"status\":200}]}");
        await TestEmulator.AssertErrorAsync(badRule, HttpStatusCode.BadRequest, "bad.request");
    }

    [Fact]
    public async Task Latency_DelaysApiAndOAuthRequests()
    {
        await using TestEmulator emu = await TestEmulator.StartAsync(o => { o.Users = 5; o.LatencyMs = 150; });
        var sw = Stopwatch.StartNew();
        string token = await emu.GetTokenAsync();
        Assert.True(sw.ElapsedMilliseconds >= 140, $"oauth took {sw.ElapsedMilliseconds} ms");
        sw.Restart();
        await emu.GetJsonAsync("api/v2/license/definitions", token);
        Assert.True(sw.ElapsedMilliseconds >= 140, $"api took {sw.ElapsedMilliseconds} ms");

        await emu.SetFaultsAsync("{\"latencyMs\":0}");
        sw.Restart();
        await emu.GetJsonAsync("api/v2/license/definitions", token);
        Assert.True(sw.ElapsedMilliseconds < 140, $"api took {sw.ElapsedMilliseconds} ms after latency was set to 0");
    }
}

public sealed class ControlApiTests
{
    [Fact]
    public async Task Stats_CountApiAndOAuthByRouteTemplateAndStatus()
    {
        await using TestEmulator emu = await TestEmulator.StartAsync(o => { o.Users = 10; o.RateLimit = 4; o.RateWindowSeconds = 60; });
        string token = await emu.GetTokenAsync();
        await emu.GetJsonAsync("api/v2/license/definitions/collaborate", token);
        await emu.GetJsonAsync("api/v2/license/definitions/cloudCX1", token);
        await emu.GetJsonAsync("api/v2/license/definitions/none", token, HttpStatusCode.NotFound);
        await emu.GetJsonAsync("api/v2/license/users/" + emu.State.UserIds[0], token);
        await emu.GetJsonAsync("api/v2/license/users/" + emu.State.UserIds[1], token, (HttpStatusCode)429);
        await emu.GetJsonAsync("api/v2/organizations/me", null, HttpStatusCode.Unauthorized);
        await emu.GetJsonAsync("api/v2/what", null, HttpStatusCode.Unauthorized);
        await emu.GetJsonAsync("emulator/ping", null);
        await emu.GetJsonAsync("emulator/faults", null);

        JsonElement stats = await emu.GetJsonAsync("emulator/stats", null);
        Assert.Equal(8, stats.GetProperty("totalRequests").GetInt64());
        Assert.Equal(1, stats.GetProperty("throttled").GetInt64());
        Assert.Equal(1, stats.GetProperty("tokensIssued").GetInt64());
        Assert.Equal(0, stats.GetProperty("faultsInjected").GetInt64());
        JsonElement routes = stats.GetProperty("routes");
        Assert.Equal(1, routes.GetProperty("POST /oauth/token").GetProperty("200").GetInt64());
        JsonElement defs = routes.GetProperty("GET /api/v2/license/definitions/{licenseId}");
        Assert.Equal(2, defs.GetProperty("200").GetInt64());
        Assert.Equal(1, defs.GetProperty("404").GetInt64());
        Assert.Equal(1, routes.GetProperty("GET /api/v2/license/users/{userId}").GetProperty("200").GetInt64());
        Assert.Equal(1, routes.GetProperty("GET /api/v2/license/users/{userId}").GetProperty("429").GetInt64());
        Assert.Equal(1, routes.GetProperty("GET /api/v2/organizations/me").GetProperty("401").GetInt64());
        Assert.Equal(1, routes.GetProperty("(unmatched)").GetProperty("401").GetInt64());
        Assert.DoesNotContain(routes.EnumerateObject(), p => p.Name.Contains("emulator", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Reset_RestoresDataStatsAndFaults_KeepsTokens()
    {
        await using TestEmulator emu = await TestEmulator.StartAsync(o => o.Users = 30);
        string token = await emu.GetTokenAsync();
        IReadOnlyDictionary<string, IReadOnlyList<string>> seeded = emu.State.GetAllUserLicenses();
        string user = emu.State.UserIds[0];
        await emu.PostJsonAsync("api/v2/license/organization", token, TestEmulator.Assignments(("cloudCX4", new[] { user }, Array.Empty<string>())));
        Assert.NotEqual(seeded[user], emu.State.GetUserLicenses(user));
        await emu.SetFaultsAsync("{\"latencyMs\":3,\"usersBatchShape\":\"array\",\"rules\":[{\"status\":500,\"path\":\"/nowhere\"}]}");

        JsonElement reset = await emu.PostJsonAsync("emulator/reset", null, "");
        Assert.Equal(30, reset.GetProperty("users").GetInt32());
        Assert.Equal(seeded, emu.State.GetAllUserLicenses());
        JsonElement faults = await emu.GetJsonAsync("emulator/faults", null);
        Assert.Equal(0, faults.GetProperty("latencyMs").GetInt32());
        Assert.Equal("object", faults.GetProperty("usersBatchShape").GetString());
        Assert.Equal(0, faults.GetProperty("rules").GetArrayLength());
        JsonElement stats = await emu.GetJsonAsync("emulator/stats", null);
        Assert.Equal(0, stats.GetProperty("totalRequests").GetInt64());
        Assert.Empty(stats.GetProperty("routes").EnumerateObject());

        await emu.GetJsonAsync("api/v2/license/users/" + user, token); // token still valid

        JsonElement resized = await emu.PostJsonAsync("emulator/reset", null, "{\"users\":12,\"seed\":7}");
        Assert.Equal(7, resized.GetProperty("seed").GetInt32());
        Assert.Equal(12, emu.State.UserCount);
        var fresh = new EmulatorState(12, 7);
        Assert.Equal(fresh.UserIds, emu.State.UserIds);
        Assert.Equal(fresh.OrganizationId, emu.State.OrganizationId);
        JsonElement page = await emu.GetJsonAsync("api/v2/license/users", token);
        Assert.Equal(12, page.GetProperty("total").GetInt32());

        using HttpResponseMessage bad = await emu.PostAsync("emulator/reset", null, "{\"users\":-1}");
        await TestEmulator.AssertErrorAsync(bad, HttpStatusCode.BadRequest, "bad.request");
    }

    [Fact]
    public async Task UnknownControlRoute_Is404()
    {
        await using TestEmulator emu = await TestEmulator.StartAsync(o => o.Users = 1);
        using HttpResponseMessage r = await emu.GetAsync("emulator/nothing", null);
        await TestEmulator.AssertErrorAsync(r, HttpStatusCode.NotFound, "not.found");
        JsonElement ping = await emu.GetJsonAsync("emulator/ping", null);
        Assert.Equal("ok", ping.GetProperty("status").GetString());
    }
}
