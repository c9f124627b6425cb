using System;
using System.Collections.Generic;
using System.Net;
using System.Net.Http;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using System.Threading.Tasks;
using Xunit;

namespace PureCloudLicense.Emulator.Tests;

[Collection("shared")]
public sealed class OAuthTests
{
    private readonly TestEmulator _emu;

    public OAuthTests(SharedEmulatorFixture fixture) => _emu = fixture.Emulator;

    private async Task<HttpResponseMessage> TokenAsync(string? basic, Dictionary<string, string> form)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, "oauth/token") { Content = new FormUrlEncodedContent(form) };
        if (basic is not null)
        {
            request.Headers.Authorization = new AuthenticationHeaderValue("Basic", Convert.ToBase64String(Encoding.UTF8.GetBytes(basic)));
        }

        return await _emu.Http.SendAsync(request);
    }

    [Fact]
    public async Task BasicCredentials_GiveABearerToken()
    {
        using HttpResponseMessage r = await TokenAsync("pcl-emulator-client:pcl-emulator-secret", new() { ["grant_type"] = "client_credentials" });
        Assert.Equal(HttpStatusCode.OK, r.StatusCode);
        JsonElement json = await TestEmulator.ReadJsonAsync(r);
        Assert.Equal("bearer", json.GetProperty("token_type").GetString());
        Assert.Equal(86400, json.GetProperty("expires_in").GetInt32());
        string token = json.GetProperty("access_token").GetString()!;
        Assert.True(token.Length >= 32);
        await _emu.GetJsonAsync("api/v2/organizations/me", token);
    }

    [Fact]
    public async Task FormCredentials_AreAccepted_AndTokensDiffer()
    {
        using HttpResponseMessage r = await TokenAsync(null, new()
        {
            ["grant_type"] = "client_credentials",
            ["client_id"] = "pcl-emulator-client",
            ["client_secret"] = "pcl-emulator-secret",
        });
        Assert.Equal(HttpStatusCode.OK, r.StatusCode);
        string a = (await TestEmulator.ReadJsonAsync(r)).GetProperty("access_token").GetString()!;
        string b = await _emu.GetTokenAsync();
        Assert.NotEqual(a, b);
    }

    [Theory]
    [InlineData("pcl-emulator-client:wrong")]
    [InlineData("someone-else:pcl-emulator-secret")]
    [InlineData(null)]
    public async Task WrongOrMissingClient_Is401InvalidClient(string? basic)
    {
        using HttpResponseMessage r = await TokenAsync(basic, new() { ["grant_type"] = "client_credentials" });
        Assert.Equal(HttpStatusCode.Unauthorized, r.StatusCode);
        JsonElement json = await TestEmulator.ReadJsonAsync(r);
        Assert.Equal("invalid_client", json.GetProperty("error").GetString());
        Assert.False(string.IsNullOrEmpty(json.GetProperty("description").GetString()));
    }

    [Fact]
    public async Task OtherGrant_Is400UnsupportedGrantType()
    {
        using HttpResponseMessage r = await TokenAsync("pcl-emulator-client:pcl-emulator-secret", new() { ["grant_type"] = "password" });
        Assert.Equal(HttpStatusCode.BadRequest, r.StatusCode);
        Assert.Equal("unsupported_grant_type", (await TestEmulator.ReadJsonAsync(r)).GetProperty("error").GetString());
    }

    [Fact]
    public async Task MissingGrant_Is400InvalidRequest()
    {
        using HttpResponseMessage r = await TokenAsync("pcl-emulator-client:pcl-emulator-secret", new() { ["scope"] = "x" });
        Assert.Equal(HttpStatusCode.BadRequest, r.StatusCode);
        Assert.Equal("invalid_request", (await TestEmulator.ReadJsonAsync(r)).GetProperty("error").GetString());
    }

    [Fact]
    public async Task MissingBearer_Is401AuthenticationRequired()
    {
        using HttpResponseMessage r = await _emu.GetAsync("api/v2/license/definitions", null);
        await TestEmulator.AssertErrorAsync(r, HttpStatusCode.Unauthorized, "authentication.required");
    }

    [Fact]
    public async Task BasicSchemeOnApi_Is401AuthenticationRequired()
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, "api/v2/license/definitions");
        request.Headers.Authorization = new AuthenticationHeaderValue("Basic", "eDp5");
        using HttpResponseMessage r = await _emu.Http.SendAsync(request);
        await TestEmulator.AssertErrorAsync(r, HttpStatusCode.Unauthorized, "authentication.required");
    }

    [Fact]
    public async Task UnknownBearer_Is401BadCredentials()
    {
        using HttpResponseMessage r = await _emu.GetAsync("api/v2/license/definitions", "not-a-token");
        await TestEmulator.AssertErrorAsync(r, HttpStatusCode.Unauthorized, "bad.credentials");
    }
}

public sealed class TokenExpiryTests
{
    [Fact]
    public async Task ExpireControl_ExpiresEveryTokenIssuedSoFar()
    {
        await using TestEmulator emu = await TestEmulator.StartAsync(o => o.Users = 10);
        string t1 = await emu.GetTokenAsync();
        string t2 = await emu.GetTokenAsync();
        await emu.GetJsonAsync("api/v2/license/definitions", t1);
        JsonElement expired = await emu.PostJsonAsync("emulator/tokens/expire", null, "");
        Assert.Equal(2, expired.GetProperty("expired").GetInt32());
        foreach (string t in new[] { t1, t2 })
        {
            using HttpResponseMessage r = await emu.GetAsync("api/v2/license/definitions", t);
            await TestEmulator.AssertErrorAsync(r, HttpStatusCode.Unauthorized, "bad.credentials");
        }

        string t3 = await emu.GetTokenAsync();
        await emu.GetJsonAsync("api/v2/license/definitions", t3);
    }

    [Fact]
    public async Task Token_ExpiresAfterItsLifetime()
    {
        await using TestEmulator emu = await TestEmulator.StartAsync(o => { o.Users = 10; o.TokenLifetimeSeconds = 1; });
        string token = await emu.GetTokenAsync();
        await emu.GetJsonAsync("api/v2/license/definitions", token);
        await Task.Delay(1300);
        using HttpResponseMessage r = await emu.GetAsync("api/v2/license/definitions", token);
        await TestEmulator.AssertErrorAsync(r, HttpStatusCode.Unauthorized, "bad.credentials");
    }

    [Fact]
    public async Task CustomClientCredentials_AreTheOnlyOnesAccepted()
    {
        await using TestEmulator emu = await TestEmulator.StartAsync(o => { o.Users = 10; o.ClientId = "abc"; o.ClientSecret = "s:e cret"; });
        string token = await emu.GetTokenAsync();
        Assert.False(string.IsNullOrEmpty(token));
        using var request = new HttpRequestMessage(HttpMethod.Post, "oauth/token")
        {
            Content = new FormUrlEncodedContent(new Dictionary<string, string> { ["grant_type"] = "client_credentials" }),
        };
        request.Headers.Authorization = new AuthenticationHeaderValue("Basic", Convert.ToBase64String(Encoding.UTF8.GetBytes("pcl-emulator-client:pcl-emulator-secret")));
        using HttpResponseMessage r = await emu.Http.SendAsync(request);
        Assert.Equal(HttpStatusCode.Unauthorized, r.StatusCode);
    }
}
