using System;
using System.IO;
using PureCloudLicense.Emulator;

if (EmulatorOptions.IsHelpRequested(args))
{
    Console.Write(EmulatorOptions.Usage);
    return 0;
}

EmulatorOptions options;
try
{
    options = EmulatorOptions.Parse(args);
}
catch (ArgumentException e)
{
    Console.Error.WriteLine("error: " + e.Message);
    Console.Error.WriteLine("Run with --help for usage.");
    return 2;
}

EmulatorServer server;
try
{
    server = await EmulatorServer.StartAsync(options);
}
catch (Exception e) when (e is IOException or InvalidOperationException or ArgumentException)
{
    Console.Error.WriteLine("error: could not start the emulator on " + options.Urls + ": " + e.Message);
    return 1;
}

await using (server)
{
    Console.WriteLine("PureCloudLicense emulator listening on " + server.ListeningAddress);
    Console.WriteLine("Client id: " + options.ClientId);
    Console.WriteLine("Client secret: " + options.ClientSecret);
    Console.WriteLine($"Org: {server.State.UserCount} users, seed {options.Seed}; rate limit {(options.RateLimit == 0 ? "off" : options.RateLimit + " per " + options.RateWindowSeconds + " s")}. Press Ctrl+C to stop.");
    Console.Out.Flush();
    await server.WaitForShutdownAsync();
}

return 0;
