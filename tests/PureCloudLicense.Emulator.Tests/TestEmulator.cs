using System;
using System.Collections.Generic;
using System.Linq;
using System.Net;
using System.Net.Http;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using System.Threading.Tasks;
using Xunit;

namespace PureCloudLicense.Emulator.Tests;

/// <summary>An in-process emulator on a free loopback port plus an HttpClient pointed at it.</summary>
public sealed class TestEmulator : IAsyncDisposable
{
    private TestEmulator(EmulatorServer server)
    {
        Server = server;
        Http = new HttpClient { BaseAddress = server.BaseAddress, Timeout = TimeSpan.FromSeconds(30) };
    }

    public EmulatorServer Server { get; }
    public HttpClient Http { get; }
    public EmulatorState State => Server.State;

    public static async Task<TestEmulator> StartAsync(Action<EmulatorOptions>? configure = null)
    {
        var options = new EmulatorOptions { Urls = "http://127.0.0.1:0", Users = 200, RateLimit = 0 };
        configure?.Invoke(options);
        return new TestEmulator(await EmulatorServer.StartAsync(options));
    }

    public async Task<string> GetTokenAsync()
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, "oauth/token")
        {
            Content = new FormUrlEncodedContent(new Dictionary<string, string> { ["grant_type"] = "client_credentials" }),
        };
        request.Headers.Authorization = new AuthenticationHeaderValue("Basic",
            Convert.ToBase64String(Encoding.UTF8.GetBytes(Server.Options.ClientId + ":" + Server.Options.ClientSecret)));
        using HttpResponseMessage response = await Http.SendAsync(request);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        JsonElement json = await ReadJsonAsync(response);
        return json.GetProperty("access_token").GetString()!;
    }

    public async Task<HttpResponseMessage> SendAsync(HttpMethod method, string path, string? token, string? json = null)
    {
        using var request = new HttpRequestMessage(method, path.TrimStart('/'));
        if (token is not null)
        {
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        }

        if (json is not null)
        {
            request.Content = new StringContent(json, Encoding.UTF8, "application/json");
        }

        return await Http.SendAsync(request);
    }

    public Task<HttpResponseMessage> GetAsync(string path, string? token) => SendAsync(HttpMethod.Get, path, token);

    public Task<HttpResponseMessage> PostAsync(string path, string? token, string json) => SendAsync(HttpMethod.Post, path, token, json);

    /// <summary>Sends and asserts the status, returns the JSON answer.</summary>
    public async Task<JsonElement> SendJsonAsync(HttpMethod method, string path, string? token, string? json, HttpStatusCode expected)
    {
        using HttpResponseMessage response = await SendAsync(method, path, token, json);
        string text = await response.Content.ReadAsStringAsync();
        Assert.True(expected == response.StatusCode, $"{method} {path}: expected {(int)expected}, got {(int)response.StatusCode}: {text}");
        return JsonDocument.Parse(text).RootElement.Clone();
    }

    public Task<JsonElement> GetJsonAsync(string path, string? token, HttpStatusCode expected = HttpStatusCode.OK) =>
        SendJsonAsync(HttpMethod.Get, path, token, null, expected);

    public Task<JsonElement> PostJsonAsync(string path, string? token, string json, HttpStatusCode expected = HttpStatusCode.OK) =>
        SendJsonAsync(HttpMethod.Post, path, token, json, expected);

    public Task<JsonElement> SetFaultsAsync(string json) => PostJsonAsync("emulator/faults", null, json);

    public static async Task<JsonElement> ReadJsonAsync(HttpResponseMessage response) =>
        JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement.Clone();

    /// <summary>Asserts an ErrorBody with this status and code, and that contextId equals the correlation header.</summary>
    public static async Task<JsonElement> AssertErrorAsync(HttpResponseMessage response, HttpStatusCode status, string code)
    {
        string text = await response.Content.ReadAsStringAsync();
        Assert.True(status == response.StatusCode, $"expected {(int)status} {code}, got {(int)response.StatusCode}: {text}");
        JsonElement body = JsonDocument.Parse(text).RootElement.Clone();
        Assert.Equal(code, body.GetProperty("code").GetString());
        Assert.Equal((int)status, body.GetProperty("status").GetInt32());
        Assert.False(string.IsNullOrEmpty(body.GetProperty("message").GetString()));
        Assert.Equal(body.GetProperty("message").GetString(), body.GetProperty("messageWithParams").GetString());
        Assert.Equal(JsonValueKind.Object, body.GetProperty("messageParams").ValueKind);
        Assert.Equal(JsonValueKind.Array, body.GetProperty("details").ValueKind);
        Assert.Equal(JsonValueKind.Array, body.GetProperty("errors").ValueKind);
        string correlation = response.Headers.GetValues("inin-correlation-id").Single();
        Assert.Equal(correlation, body.GetProperty("contextId").GetString());
        return body;
    }

    public static string[] Strings(JsonElement array) => array.EnumerateArray().Select(e => e.GetString()!).ToArray();

    public static string Assignments(params (string License, string[] Add, string[] Remove)[] items) =>
        JsonSerializer.Serialize(new
        {
            assignments = items.Select(i => new { licenseId = i.License, userIdsAdd = i.Add, userIdsRemove = i.Remove }).ToArray(),
        });

    public async ValueTask DisposeAsync()
    {
        Http.Dispose();
        await Server.DisposeAsync();
    }
}

/// <summary>A shared read-only emulator (200 users, seed 1, no rate limit) and a token for it.</summary>
public sealed class SharedEmulatorFixture : IAsyncLifetime
{
    public TestEmulator Emulator { get; private set; } = null!;
    public string Token { get; private set; } = string.Empty;

    public async Task InitializeAsync()
    {
        Emulator = await TestEmulator.StartAsync();
        Token = await Emulator.GetTokenAsync();
    }

    public async Task DisposeAsync() => await Emulator.DisposeAsync();
}

[CollectionDefinition("shared")]
public sealed class SharedEmulatorCollection : ICollectionFixture<SharedEmulatorFixture>
{
}
