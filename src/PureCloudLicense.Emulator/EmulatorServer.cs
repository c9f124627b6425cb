using System;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace PureCloudLicense.Emulator;

/// <summary>A running emulator: Kestrel on the configured address, serving the License API, OAuth and the
/// control API. Start it in-process with <see cref="StartAsync"/>; dispose it to stop.</summary>
public sealed class EmulatorServer : IAsyncDisposable
{
    private readonly WebApplication _app;
    private int _disposed;

    private EmulatorServer(WebApplication app, EmulatorOptions options, EmulatorState state, Uri baseAddress, string listeningAddress)
    {
        _app = app;
        Options = options;
        State = state;
        BaseAddress = baseAddress;
        ListeningAddress = listeningAddress;
    }

    /// <summary>The bound address with a trailing slash, e.g. http://127.0.0.1:54321/.</summary>
    public Uri BaseAddress { get; }

    /// <summary>The bound address as Kestrel reports it, without a trailing slash.</summary>
    public string ListeningAddress { get; }

    /// <summary>The start-up options (a copy; the control API changes run-time settings, not these).</summary>
    public EmulatorOptions Options { get; }

    /// <summary>The org data.</summary>
    public EmulatorState State { get; }

    public static async Task<EmulatorServer> StartAsync(EmulatorOptions options, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        EmulatorOptions opts = options.Clone();
        var state = new EmulatorState(opts.Users, opts.Seed);
        var handler = new EmulatorApp(opts, state);

        WebApplicationBuilder builder = WebApplication.CreateSlimBuilder(new WebApplicationOptions
        {
            Args = Array.Empty<string>(),
            ContentRootPath = AppContext.BaseDirectory,
            ApplicationName = typeof(EmulatorServer).Assembly.GetName().Name,
        });
        builder.Logging.ClearProviders();
        builder.Logging.AddSimpleConsole();
        builder.Logging.SetMinimumLevel(LogLevel.Warning);
        builder.Services.Configure<HostOptions>(h => h.ShutdownTimeout = TimeSpan.FromSeconds(2));
        builder.WebHost.UseUrls(opts.Urls);
        builder.WebHost.ConfigureKestrel(k =>
        {
            k.AddServerHeader = false;
            k.Limits.MaxRequestBodySize = null; // the emulator enforces MaxRequestBodyBytes itself (413 ErrorBody)
        });

        WebApplication app = builder.Build();
        app.Run(handler.HandleAsync);
        try
        {
            await app.StartAsync(cancellationToken).ConfigureAwait(false);
        }
        catch
        {
            await app.DisposeAsync().ConfigureAwait(false);
            throw;
        }

        IServerAddressesFeature? feature = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>();
        string address = feature?.Addresses.FirstOrDefault() ?? opts.Urls.Split(';')[0];
        address = address.TrimEnd('/');
        return new EmulatorServer(app, opts, state, new Uri(address + "/"), address);
    }

    /// <summary>Completes when the host stops (Ctrl+C or SIGTERM in a console process).</summary>
    public Task WaitForShutdownAsync(CancellationToken cancellationToken = default) => _app.WaitForShutdownAsync(cancellationToken);

    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
        {
            return;
        }

        try
        {
            await _app.StopAsync().ConfigureAwait(false);
        }
        finally
        {
            await _app.DisposeAsync().ConfigureAwait(false);
        }
    }
}
