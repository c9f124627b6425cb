using System;
using System.Collections.Generic;
using System.Linq;
using System.Net;
using System.Net.Http;
using System.Text;
using System.Text.Json;
using System.Threading.Tasks;
using Xunit;

namespace PureCloudLicense.Emulator.Tests;

[Collection("shared")]
public sealed class HeadersAndErrorsTests
{
    private readonly TestEmulator _emu;
    private readonly string _token;

    public HeadersAndErrorsTests(SharedEmulatorFixture fixture)
    {
        _emu = fixture.Emulator;
        _token = fixture.Token;
    }

    [Fact]
    public async Task EveryAnswer_CarriesCorrelationAndRateLimitHeaders()
    {
        string user = _emu.State.UserIds[0];
        var requests = new List<Func<Task<HttpResponseMessage>>>
        {
            () => _emu.GetAsync("api/v2/license/definitions", _token),
            () => _emu.GetAsync("api/v2/license/definitions/cloudCX1", _token),
            () => _emu.GetAsync("api/v2/license/definitions/nope", _token),
            () => _emu.GetAsync("api/v2/license/users/" + user, _token),
            () => _emu.GetAsync("api/v2/license/users?pageSize=2", _token),
            () => _emu.GetAsync("api/v2/license/users?pageSize=0", _token),
            () => _emu.PostAsync("api/v2/license/users", _token, "[\"" + user + "\"]"),
            () => _emu.PostAsync("api/v2/license/infer", _token, "[]"),
            () => _emu.GetAsync("api/v2/license/organization", _token),
            () => _emu.GetAsync("api/v2/organizations/me", _token),
            () => _emu.GetAsync("api/v2/nothing/here", _token),
            () => _emu.GetAsync("api/v2/license/definitions", null),
            () => _emu.GetAsync("api/v2/license/definitions", "bogus"),
            () => _emu.PostAsync("oauth/token", null, "grant_type=client_credentials"),
            () => _emu.GetAsync("emulator/ping", null),
            () => _emu.GetAsync("emulator/stats", null),
            () => _emu.GetAsync("somewhere/else", null),
        };

        var ids = new HashSet<string>();
        foreach (Func<Task<HttpResponseMessage>> send in requests)
        {
            using HttpResponseMessage r = await send();
            string what = r.RequestMessage!.Method + " " + r.RequestMessage.RequestUri;
            Assert.True(r.Headers.TryGetValues("inin-correlation-id", out IEnumerable<string>? corr), "no correlation id on " + what);
            Assert.True(Guid.TryParse(corr!.Single(), out _), what);
            Assert.True(ids.Add(corr!.Single()), "correlation id reused on " + what);
            foreach (string h in new[] { "inin-ratelimit-allowed", "inin-ratelimit-count", "inin-ratelimit-reset" })
            {
                Assert.True(r.Headers.TryGetValues(h, out IEnumerable<string>? v), $"no {h} on {what}");
                Assert.True(long.TryParse(v!.Single(), out long n) && n >= 0, $"{h} on {what}: {v!.Single()}");
            }

            if ((int)r.StatusCode >= 400 && !r.RequestMessage.RequestUri!.AbsolutePath.StartsWith("/oauth", StringComparison.Ordinal))
            {
                JsonElement body = await TestEmulator.ReadJsonAsync(r);
                Assert.Equal(corr!.Single(), body.GetProperty("contextId").GetString());
            }
        }
    }

    [Fact]
    public async Task RequestsWithoutAValidToken_ReportCountZero()
    {
        using HttpResponseMessage r = await _emu.GetAsync("api/v2/license/definitions", null);
        Assert.Equal("0", r.Headers.GetValues("inin-ratelimit-count").Single());
    }

    [Theory]
    [InlineData("api/v2/license/users", "[\"a\",")]
    [InlineData("api/v2/license/users", "{\"a\":1}")]
    [InlineData("api/v2/license/users", "[1,2]")]
    [InlineData("api/v2/license/users", "")]
    [InlineData("api/v2/license/users", "null")]
    [InlineData("api/v2/license/infer", "{")]
    [InlineData("api/v2/license/infer", "[true]")]
    [InlineData("api/v2/license/organization", "{\"assignments\":\"x\"}")]
    [InlineData("api/v2/license/organization", "{\"assignments\":[{\"licenseId\":\"collaborate\",\"userIdsAdd\":[1]}]}")]
    [InlineData("api/v2/license/organization", "{\"assignments\":[{\"licenseId\":5}]}")]
    [InlineData("api/v2/license/organization", "{}")]
    [InlineData("api/v2/license/organization", "{\"assignments\":[{\"userIdsAdd\":[]}]}")]
    [InlineData("api/v2/license/organization", "[]")]
    public async Task MalformedOrMistypedJson_Is400BadRequest(string path, string body)
    {
        using HttpResponseMessage r = await _emu.PostAsync(path, _token, body);
        await TestEmulator.AssertErrorAsync(r, HttpStatusCode.BadRequest, "bad.request");
    }

    [Fact]
    public async Task UnknownMembers_AreIgnored()
    {
        string user = _emu.State.UserIds[3];
        string license = _emu.State.GetUserLicenses(user)![0];
        string body = "{\"extra\":{\"a\":[1]},\"assignments\":[{\"licenseId\":\"" + license + "\",\"userIdsAdd\":[\"" + user + "\"],\"userIdsRemove\":[],\"future\":true}]}";
        JsonElement result = await _emu.PostJsonAsync("api/v2/license/organization", _token, body);
        Assert.Equal("Success", result[0].GetProperty("result").GetString());
    }

    [Fact]
    public async Task UnknownApiRoute_Is404NotFound()
    {
        using HttpResponseMessage r = await _emu.GetAsync("api/v2/license/toggles/x", _token);
        await TestEmulator.AssertErrorAsync(r, HttpStatusCode.NotFound, "not.found");
        using HttpResponseMessage r2 = await _emu.SendAsync(HttpMethod.Delete, "api/v2/license/users", _token);
        await TestEmulator.AssertErrorAsync(r2, HttpStatusCode.NotFound, "not.found");
    }

    [Fact]
    public async Task TooManyIds_Is400ConstraintValidation()
    {
        string ids = JsonSerializer.Serialize(Enumerable.Range(0, 101).Select(i => Guid.NewGuid().ToString()).ToArray());
        using HttpResponseMessage users = await _emu.PostAsync("api/v2/license/users", _token, ids);
        await TestEmulator.AssertErrorAsync(users, HttpStatusCode.BadRequest, "constraint.validation");
        using HttpResponseMessage infer = await _emu.PostAsync("api/v2/license/infer", _token, ids);
        await TestEmulator.AssertErrorAsync(infer, HttpStatusCode.BadRequest, "constraint.validation");

        // The sum of adds and removes over all assignments counts: 60 + 41 = 101.
        string[] u = _emu.State.UserIds.ToArray();
        string org = TestEmulator.Assignments(("collaborate", u.Take(60).ToArray(), Array.Empty<string>()), ("communicate", Array.Empty<string>(), u.Skip(60).Take(41).ToArray()));
        IReadOnlyDictionary<string, IReadOnlyList<string>> before = _emu.State.GetAllUserLicenses();
        using HttpResponseMessage r = await _emu.PostAsync("api/v2/license/organization", _token, org);
        await TestEmulator.AssertErrorAsync(r, HttpStatusCode.BadRequest, "constraint.validation");
        Assert.Equal(before, _emu.State.GetAllUserLicenses());
    }

    [Fact]
    public async Task ExactlyMaxIds_IsAccepted()
    {
        string ids = JsonSerializer.Serialize(_emu.State.UserIds.Take(100).ToArray());
        JsonElement answer = await _emu.PostJsonAsync("api/v2/license/users", _token, ids);
        Assert.Equal(100, answer.EnumerateObject().Count());
    }

    [Fact]
    public async Task OversizedBody_Is413AsErrorBody()
    {
        var big = new StringBuilder("[");
        while (big.Length < 1_100_000)
        {
            big.Append("\"0123456789012345678901234567890123456789\",");
        }

        big.Append("\"x\"]");
        using HttpResponseMessage r = await _emu.PostAsync("api/v2/license/users", _token, big.ToString());
        await TestEmulator.AssertErrorAsync(r, HttpStatusCode.RequestEntityTooLarge, "request.entity.too.large");
    }
}

public sealed class SmallBodyLimitTests
{
    [Fact]
    public async Task ChunkedBodyOverTheLimit_Is413()
    {
        await using TestEmulator emu = await TestEmulator.StartAsync(o => { o.Users = 10; o.MaxRequestBodyBytes = 100; });
        string token = await emu.GetTokenAsync();
        using var request = new HttpRequestMessage(HttpMethod.Post, "api/v2/license/users");
        request.Headers.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", token);
        var stream = new System.IO.MemoryStream(Encoding.UTF8.GetBytes("[" + string.Join(",", Enumerable.Repeat("\"abcdefghij\"", 20)) + "]"));
        request.Content = new StreamContent(stream); // no Content-Length known up front: chunked
        request.Headers.TransferEncodingChunked = true;
        using HttpResponseMessage r = await emu.Http.SendAsync(request);
        await TestEmulator.AssertErrorAsync(r, HttpStatusCode.RequestEntityTooLarge, "request.entity.too.large");

        // A body under the limit still works.
        JsonElement ok = await emu.PostJsonAsync("api/v2/license/users", token, "[\"" + emu.State.UserIds[0] + "\"]");
        Assert.Single(ok.EnumerateObject());
    }
}
