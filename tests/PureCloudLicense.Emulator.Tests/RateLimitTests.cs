using System.Linq;
using System.Net;
using System.Net.Http;
using System.Text.Json;
using System.Threading.Tasks;
using Xunit;

namespace PureCloudLicense.Emulator.Tests;

public sealed class RateLimitTests
{
    [Fact]
    public async Task OverTheLimit_Is429WithRetryAfter_PerToken_AndResetsAfterTheWindow()
    {
        await using TestEmulator emu = await TestEmulator.StartAsync(o => { o.Users = 20; o.RateLimit = 5; o.RateWindowSeconds = 2; });
        string token = await emu.GetTokenAsync();
        for (int i = 1; i <= 5; i++)
        {
            using HttpResponseMessage ok = await emu.GetAsync("api/v2/license/definitions", token);
            Assert.Equal(HttpStatusCode.OK, ok.StatusCode);
            Assert.Equal("5", ok.Headers.GetValues("inin-ratelimit-allowed").Single());
            Assert.Equal(i.ToString(), ok.Headers.GetValues("inin-ratelimit-count").Single());
            int reset = int.Parse(ok.Headers.GetValues("inin-ratelimit-reset").Single());
            Assert.InRange(reset, 1, 2);
        }

        using (HttpResponseMessage limited = await emu.GetAsync("api/v2/license/definitions", token))
        {
            await TestEmulator.AssertErrorAsync(limited, (HttpStatusCode)429, "too.many.requests.retry.after");
            Assert.NotNull(limited.Headers.RetryAfter?.Delta);
            Assert.InRange(limited.Headers.RetryAfter!.Delta!.Value.TotalSeconds, 1, 2);
        }

        // Another token has its own window.
        string other = await emu.GetTokenAsync();
        using (HttpResponseMessage fresh = await emu.GetAsync("api/v2/license/definitions", other))
        {
            Assert.Equal(HttpStatusCode.OK, fresh.StatusCode);
        }

        // A throttled write does not touch state.
        string user = emu.State.UserIds[0];
        string[] before = emu.State.GetUserLicenses(user)!.ToArray();
        string target = before.Contains("collaborate") ? "communicate" : "collaborate";
        using (HttpResponseMessage write = await emu.PostAsync("api/v2/license/organization", token,
                   TestEmulator.Assignments((target, new[] { user }, System.Array.Empty<string>()))))
        {
            Assert.Equal((HttpStatusCode)429, write.StatusCode);
        }

        Assert.Equal(before, emu.State.GetUserLicenses(user));

        JsonElement stats = await emu.GetJsonAsync("emulator/stats", null);
        Assert.Equal(2, stats.GetProperty("throttled").GetInt64());

        await Task.Delay(2200);
        using HttpResponseMessage after = await emu.GetAsync("api/v2/license/definitions", token);
        Assert.Equal(HttpStatusCode.OK, after.StatusCode);
        Assert.Equal("1", after.Headers.GetValues("inin-ratelimit-count").Single());
    }

    [Fact]
    public async Task RateLimit_CanBeChangedAtRunTime()
    {
        await using TestEmulator emu = await TestEmulator.StartAsync(o => o.Users = 10);
        string token = await emu.GetTokenAsync();
        for (int i = 0; i < 20; i++)
        {
            using HttpResponseMessage ok = await emu.GetAsync("api/v2/organizations/me", token);
            Assert.Equal(HttpStatusCode.OK, ok.StatusCode);
        }

        await emu.SetFaultsAsync("{\"rateLimit\":21,\"rateWindowSeconds\":30}");
        using (HttpResponseMessage last = await emu.GetAsync("api/v2/organizations/me", token))
        {
            Assert.Equal(HttpStatusCode.OK, last.StatusCode);
        }

        using HttpResponseMessage limited = await emu.GetAsync("api/v2/organizations/me", token);
        Assert.Equal((HttpStatusCode)429, limited.StatusCode);
        Assert.Equal("21", limited.Headers.GetValues("inin-ratelimit-allowed").Single());
    }
}
