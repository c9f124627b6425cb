using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.Globalization;
using System.IO;
using System.Linq;
using System.Net;
using System.Net.Http;
using System.Net.Http.Headers;
using System.Reflection;
using System.Text;
using System.Text.Json;
using System.Threading;
using System.Threading.Tasks;

// Emulator throughput benchmark: starts the built emulator DLL as its own process (rate limit off, latency 0),
// drives it over loopback with N concurrent HttpClient workers for a fixed time per scenario, several runs,
// and reports the median requests/s per scenario and its ratio to the cheapest route (GET /emulator/ping).

var settings = BenchSettings.Parse(args);
string repoRoot = FindRepoRoot();
string config = typeof(BenchSettings).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>()
    .FirstOrDefault(a => a.Key == "Configuration")?.Value ?? "Release";
string dll = Path.Combine(repoRoot, "src", "PureCloudLicense.Emulator", "bin", config, "net10.0", "PureCloudLicense.Emulator.dll");
if (!File.Exists(dll))
{
    Console.Error.WriteLine($"error: emulator not built at {Path.GetRelativePath(repoRoot, dll)}; build it with: dotnet build src/PureCloudLicense.Emulator -c {config}");
    return 1;
}

var psi = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
foreach (string a in new[] { dll, "--urls", "http://127.0.0.1:0", "--rate-limit", "0", "--users", settings.Users.ToString(CultureInfo.InvariantCulture), "--max-batch-size", "100" })
{
    psi.ArgumentList.Add(a);
}

using Process emulator = Process.Start(psi) ?? throw new InvalidOperationException("could not start the emulator");
try
{
    string? line = await emulator.StandardOutput.ReadLineAsync().WaitAsync(TimeSpan.FromSeconds(30));
    const string prefix = "PureCloudLicense emulator listening on ";
    if (line is null || !line.StartsWith(prefix, StringComparison.Ordinal))
    {
        Console.Error.WriteLine("error: unexpected emulator output: " + line);
        return 1;
    }

    var baseAddress = new Uri(line.Substring(prefix.Length) + "/");
    if (!IPAddress.IsLoopback(IPAddress.Parse(baseAddress.Host)))
    {
        throw new InvalidOperationException("the benchmark only drives loopback addresses");
    }

    using var handler = new SocketsHttpHandler { MaxConnectionsPerServer = settings.Workers, UseProxy = false, PooledConnectionLifetime = Timeout.InfiniteTimeSpan };
    using var http = new HttpClient(handler) { BaseAddress = baseAddress, Timeout = TimeSpan.FromSeconds(30) };
    string token = await GetTokenAsync(http);
    http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
    string[] users = await GetUserIdsAsync(http, settings.Users);

    var scenarios = new List<Scenario>
    {
        new("baseline: GET /emulator/ping", _ => new HttpRequestMessage(HttpMethod.Get, "emulator/ping")),
        new("GET /license/definitions", _ => new HttpRequestMessage(HttpMethod.Get, "api/v2/license/definitions")),
        new("GET /license/users/{id}", r => new HttpRequestMessage(HttpMethod.Get, "api/v2/license/users/" + users[r.Next(users.Length)])),
        new("GET /license/users?pageSize=100", r => new HttpRequestMessage(HttpMethod.Get,
            $"api/v2/license/users?pageSize=100&pageNumber={r.Next(1, (users.Length / 100) + 1)}")),
        new("POST /license/users (100 ids)", r => Json(HttpMethod.Post, "api/v2/license/users", JsonSerializer.Serialize(Pick(r, users, 100)))),
        new("POST /license/organization (10 changes)", r =>
        {
            string[] chosen = Pick(r, users, 10);
            var body = new
            {
                assignments = new[]
                {
                    new { licenseId = "communicate", userIdsAdd = chosen.Take(5).ToArray(), userIdsRemove = Array.Empty<string>() },
                    new { licenseId = "collaborate", userIdsAdd = Array.Empty<string>(), userIdsRemove = chosen.Skip(5).ToArray() },
                },
            };
            return Json(HttpMethod.Post, "api/v2/license/organization", JsonSerializer.Serialize(body));
        }),
    };
    var mixParts = scenarios.Skip(1).ToArray();
    scenarios.Add(new Scenario("mix of the five License API requests", r => mixParts[r.Next(mixParts.Length)].Make(r)));

    Console.WriteLine($"Emulator at {baseAddress} ({settings.Users} users); {settings.Workers} workers; {settings.Runs} runs x {settings.Seconds} s per scenario; {Environment.ProcessorCount} cores.");
    foreach (Scenario s in scenarios)
    {
        await RunAsync(http, s, settings.Workers, TimeSpan.FromSeconds(1)); // warm-up (JIT tiering), not reported
    }

    var results = scenarios.ToDictionary(s => s.Name, _ => new List<RunResult>());
    for (int run = 1; run <= settings.Runs; run++)
    {
        foreach (Scenario s in scenarios)
        {
            RunResult r = await RunAsync(http, s, settings.Workers, TimeSpan.FromSeconds(settings.Seconds));
            results[s.Name].Add(r);
            Console.WriteLine($"run {run}: {s.Name,-42} {r.Rps,10:F0} req/s  ({r.Ok} ok, {r.Failed} failed)");
        }
    }

    double baseline = Median(results[scenarios[0].Name].Select(r => r.Rps));
    var table = new StringBuilder();
    table.AppendLine("| scenario | median req/s | min | max | ratio to baseline | failed |");
    table.AppendLine("|---|---:|---:|---:|---:|---:|");
    foreach (Scenario s in scenarios)
    {
        List<RunResult> rs = results[s.Name];
        double median = Median(rs.Select(r => r.Rps));
        table.AppendLine(string.Create(CultureInfo.InvariantCulture,
            $"| {s.Name} | {median:F0} | {rs.Min(r => r.Rps):F0} | {rs.Max(r => r.Rps):F0} | {median / baseline:F2} | {rs.Sum(r => r.Failed)} |"));
    }

    Console.WriteLine();
    Console.Write(table);
    if (settings.WriteResults)
    {
        string resultsPath = Path.Combine(repoRoot, "bench", "RESULTS.md");
        WriteSection(resultsPath, settings, table.ToString());
        Console.WriteLine($"Wrote the \"Emulator throughput\" section of {Path.GetRelativePath(repoRoot, resultsPath)}.");
    }

    return results.Values.Any(rs => rs.Sum(r => r.Failed) > 0) ? 3 : 0;
}
finally
{
    if (!emulator.HasExited)
    {
        emulator.Kill(entireProcessTree: true);
        await emulator.WaitForExitAsync();
    }
}

static async Task<RunResult> RunAsync(HttpClient http, Scenario scenario, int workers, TimeSpan duration)
{
    const long MaxRequestsPerWorker = 5_000_000; // bound on top of the time limit
    long ok = 0;
    long failed = 0;
    var sw = Stopwatch.StartNew();
    Task[] tasks = Enumerable.Range(0, workers).Select(w => Task.Run(async () =>
    {
        var rnd = new Random(1000 + w);
        for (long i = 0; i < MaxRequestsPerWorker && sw.Elapsed < duration; i++)
        {
            using HttpRequestMessage request = scenario.Make(rnd);
            using HttpResponseMessage response = await http.SendAsync(request);
            await response.Content.ReadAsByteArrayAsync();
            if (response.StatusCode == HttpStatusCode.OK)
            {
                Interlocked.Increment(ref ok);
            }
            else
            {
                Interlocked.Increment(ref failed);
            }
        }
    })).ToArray();
    await Task.WhenAll(tasks);
    double seconds = sw.Elapsed.TotalSeconds;
    return new RunResult(ok / seconds, ok, failed);
}

static async Task<string> GetTokenAsync(HttpClient http)
{
    using var request = new HttpRequestMessage(HttpMethod.Post, "oauth/token")
    {
        Content = new FormUrlEncodedContent(new Dictionary<string, string> { ["grant_type"] = "client_credentials" }),
    };
    request.Headers.Authorization = new AuthenticationHeaderValue("Basic", Convert.ToBase64String(Encoding.UTF8.GetBytes("pcl-emulator-client:pcl-emulator-secret")));
    using HttpResponseMessage response = await http.SendAsync(request);
    response.EnsureSuccessStatusCode();
    using JsonDocument doc = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
    return doc.RootElement.GetProperty("access_token").GetString()!;
}

static async Task<string[]> GetUserIdsAsync(HttpClient http, int count)
{
    var ids = new List<string>();
    for (int page = 1; ids.Count < count; page++)
    {
        using JsonDocument doc = JsonDocument.Parse(await http.GetStringAsync($"api/v2/license/users?pageSize=500&pageNumber={page}"));
        JsonElement entities = doc.RootElement.GetProperty("entities");
        if (entities.GetArrayLength() == 0)
        {
            break;
        }

        ids.AddRange(entities.EnumerateArray().Select(e => e.GetProperty("id").GetString()!));
    }

    return ids.ToArray();
}

static string[] Pick(Random r, string[] users, int n)
{
    int start = r.Next(users.Length);
    return Enumerable.Range(0, n).Select(i => users[(start + (i * 7)) % users.Length]).Distinct().ToArray();
}

static HttpRequestMessage Json(HttpMethod method, string path, string body) =>
    new(method, path) { Content = new StringContent(body, Encoding.UTF8, "application/json") };

static double Median(IEnumerable<double> values)
{
    double[] v = values.OrderBy(x => x).ToArray();
    return v.Length % 2 == 1 ? v[v.Length / 2] : (v[(v.Length / 2) - 1] + v[v.Length / 2]) / 2;
}

static string FindRepoRoot()
{
    for (DirectoryInfo? d = new(AppContext.BaseDirectory); d is not null; d = d.Parent)
    {
        if (File.Exists(Path.Combine(d.FullName, "src", "PureCloudLicense.Emulator", "PureCloudLicense.Emulator.csproj")))
        {
            return d.FullName;
        }
    }

    throw new InvalidOperationException("run the benchmark from inside the repository");
}

static void WriteSection(string path, BenchSettings s, string table)
{
    const string heading = "## Emulator throughput";
    var section = new StringBuilder();
    section.AppendLine(heading);
    section.AppendLine();
    section.AppendLine(string.Create(CultureInfo.InvariantCulture,
        $"Date: {DateTime.UtcNow:yyyy-MM-dd}. Machine: {Environment.ProcessorCount} cores, {System.Runtime.InteropServices.RuntimeInformation.OSDescription.Trim()}, .NET {Environment.Version}."));
    section.AppendLine();
    section.AppendLine("Command: `dotnet run --project bench/EmulatorThroughput -c Release" +
        (s.IsDefault ? string.Empty : $" -- --runs {s.Runs} --seconds {s.Seconds} --workers {s.Workers} --users {s.Users}") + "`");
    section.AppendLine();
    section.AppendLine(
        $"The emulator runs as its own process (Release DLL, `--rate-limit 0`, latency 0, {s.Users} users); the benchmark drives it over loopback from " +
        $"{s.Workers} concurrent HttpClient workers, {s.Runs} runs x {s.Seconds} s per scenario, scenarios interleaved within each run. Client and server share the same " +
        "cores, so these numbers are a floor for what the emulator can serve. Baseline: `GET /emulator/ping`, the cheapest route. " +
        "POST /license/users sends 100 ids and answers 100 LicenseUser objects; POST /license/organization adds one license to 5 users and removes another from 5.");
    section.AppendLine();
    section.Append(table);

    string existing = File.Exists(path) ? File.ReadAllText(path) : "# Benchmark results\n";
    int start = existing.IndexOf(heading, StringComparison.Ordinal);
    string updated;
    if (start < 0)
    {
        updated = existing.TrimEnd() + "\n\n" + section;
    }
    else
    {
        int next = existing.IndexOf("\n## ", start + heading.Length, StringComparison.Ordinal);
        updated = existing.Substring(0, start) + section + (next < 0 ? string.Empty : "\n" + existing.Substring(next + 1));
    }

    File.WriteAllText(path, updated.Replace("\r\n", "\n"));
}

internal sealed record Scenario(string Name, Func<Random, HttpRequestMessage> Make);

internal readonly record struct RunResult(double Rps, long Ok, long Failed);

internal sealed class BenchSettings
{
    public int Runs { get; private set; } = 5;
    public int Seconds { get; private set; } = 5;
    public int Workers { get; private set; } = 16;
    public int Users { get; private set; } = 1000;
    public bool WriteResults { get; private set; } = true;
    public bool IsDefault => Runs == 5 && Seconds == 5 && Workers == 16 && Users == 1000;

    public static BenchSettings Parse(string[] args)
    {
        var s = new BenchSettings();
        for (int i = 0; i < args.Length; i++)
        {
            string name = args[i];
            if (name == "--no-write")
            {
                s.WriteResults = false;
                continue;
            }

            if (i + 1 >= args.Length || !int.TryParse(args[i + 1], NumberStyles.None, CultureInfo.InvariantCulture, out int value) || value < 1 || value > 100_000)
            {
                throw new ArgumentException($"'{name}' needs a whole number from 1 to 100000. Options: --runs, --seconds, --workers, --users, --no-write.");
            }

            i++;
            switch (name)
            {
                case "--runs": s.Runs = Math.Min(value, 50); break;
                case "--seconds": s.Seconds = Math.Min(value, 60); break;
                case "--workers": s.Workers = Math.Min(value, 256); break;
                case "--users": s.Users = value; break;
                default: throw new ArgumentException($"Unknown option '{name}'. Options: --runs, --seconds, --workers, --users, --no-write.");
            }
        }

        return s;
    }
}
