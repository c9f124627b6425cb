using System;
using System.Collections.Concurrent;
using System.Net.Http;
using System.Net.Http.Json;
using System.Security;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Threading.Tasks;
using PureCloudLicense.Api;
using PureCloudLicense.Emulator;

namespace PureCloudLicense.Tests;

/// <summary>An emulator started in-process on a free loopback port for one test, and clients for it.</summary>
internal sealed class Emulator : IAsyncDisposable
{
    private readonly HttpClient control;

    private Emulator(EmulatorServer server)
    {
        Server = server;
        control = new HttpClient { BaseAddress = server.BaseAddress };
    }

    public EmulatorServer Server { get; }

    public static async Task<Emulator> StartAsync(Action<EmulatorOptions>? configure = null)
    {
        var options = new EmulatorOptions { Urls = "http://127.0.0.1:0", Users = 300, RateLimit = 0 };
        configure?.Invoke(options);
        return new Emulator(await EmulatorServer.StartAsync(options));
    }

    public GenesysEnvironment Environment => GenesysEnvironment.Resolve(Server.BaseAddress.ToString());

    public LicenseApiClient Client(string? secret = null, Action<ApiClientOptions>? configure = null)
    {
        var options = new ApiClientOptions { UserAgent = "PureCloudLicense.Tests" };
        configure?.Invoke(options);
        return LicenseApiClient.WithClientCredentials(Environment, Server.Options.ClientId, Secure(secret ?? Server.Options.ClientSecret), options);
    }

    public static SecureString Secure(string text)
    {
        var secure = new SecureString();
        foreach (var c in text)
        {
            secure.AppendChar(c);
        }

        return secure;
    }

    public async Task SetFaultsAsync(object settings)
    {
        using var response = await control.PostAsJsonAsync("emulator/faults", settings);
        response.EnsureSuccessStatusCode();
    }

    public async Task ExpireTokensAsync()
    {
        using var response = await control.PostAsync("emulator/tokens/expire", null);
        response.EnsureSuccessStatusCode();
    }

    public async Task<JsonNode> StatsAsync() =>
        JsonNode.Parse(await control.GetStringAsync("emulator/stats"))!;

    public async Task<int> RouteCountAsync(string route, int status)
    {
        var stats = await StatsAsync();
        return stats["routes"]?[route]?[status.ToString()]?.GetValue<int>() ?? 0;
    }

    public async ValueTask DisposeAsync()
    {
        control.Dispose();
        await Server.DisposeAsync();
    }
}

/// <summary>Collects the HTTP layer's trace lines.</summary>
internal sealed class TraceCollector : IApiTraceListener
{
    public ConcurrentQueue<string> VerboseLines { get; } = new();

    public ConcurrentQueue<string> DebugLines { get; } = new();

    public bool BodiesEnabled { get; init; }

    public void Verbose(string message) => VerboseLines.Enqueue(message);

    public void Debug(string message) => DebugLines.Enqueue(message);
}
