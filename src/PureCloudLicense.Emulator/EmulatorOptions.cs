using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using System.Text;

namespace PureCloudLicense.Emulator;

/// <summary>Start-up settings of the emulator. Every property has the documented default.</summary>
public sealed class EmulatorOptions
{
    public string Urls { get; set; } = "http://127.0.0.1:8080";
    public int Users { get; set; } = 1000;
    public int Seed { get; set; } = 1;
    public string ClientId { get; set; } = "pcl-emulator-client";
    public string ClientSecret { get; set; } = "pcl-emulator-secret";
    /// <summary>Requests per window per token; 0 turns rate limiting off.</summary>
    public int RateLimit { get; set; } = 300;
    public int RateWindowSeconds { get; set; } = 60;
    public int LatencyMs { get; set; }
    public double FaultRate { get; set; }
    public int TokenLifetimeSeconds { get; set; } = 86400;
    public int MaxBatchSize { get; set; } = 100;

    /// <summary>Largest pageSize GET /license/users takes (the live maximum is not published).</summary>
    public int MaxPageSize { get; set; } = 500;
    public bool LegacyOrganizationEndpoint { get; set; } = true;
    public long MaxRequestBodyBytes { get; set; } = 1_048_576;

    /// <summary>Largest org the emulator seeds.</summary>
    public const int MaxUsers = 1_000_000;

    private static readonly string[] OptionNames =
    {
        "--urls", "--users", "--seed", "--client-id", "--client-secret", "--rate-limit",
        "--rate-window-seconds", "--latency-ms", "--fault-rate", "--token-lifetime",
        "--max-batch-size", "--max-page-size", "--legacy-organization-endpoint", "--max-request-body-bytes", "--help",
    };

    /// <summary>The names <see cref="Parse"/> accepts.</summary>
    public static IReadOnlyList<string> ValidOptions => OptionNames;

    /// <summary>Usage text printed by <c>--help</c>.</summary>
    public static string Usage { get; } = BuildUsage();

    /// <summary>True when the arguments ask for help (<c>--help</c>, <c>-h</c>, <c>-?</c>).</summary>
    public static bool IsHelpRequested(string[] args)
    {
        ArgumentNullException.ThrowIfNull(args);
        return args.Any(a => a is "--help" or "-h" or "-?" or "/?");
    }

    /// <summary>Parses <c>--name value</c> and <c>--name=value</c> pairs. Throws <see cref="ArgumentException"/>
    /// naming the bad option and value.</summary>
    public static EmulatorOptions Parse(string[] args)
    {
        ArgumentNullException.ThrowIfNull(args);
        var o = new EmulatorOptions();
        for (int i = 0; i < args.Length; i++)
        {
            string arg = args[i] ?? throw new ArgumentException("Arguments must not be null.");
            if (!arg.StartsWith("--", StringComparison.Ordinal))
            {
                throw new ArgumentException($"Unexpected argument '{arg}'. Options start with '--'. Valid options: {string.Join(", ", OptionNames)}.");
            }

            string name = arg;
            string? value = null;
            int eq = arg.IndexOf('=');
            if (eq > 0)
            {
                name = arg.Substring(0, eq);
                value = arg.Substring(eq + 1);
            }

            name = name.ToLowerInvariant();
            if (!OptionNames.Contains(name))
            {
                throw new ArgumentException($"Unknown option '{name}'. Valid options: {string.Join(", ", OptionNames)}.");
            }

            if (name == "--help")
            {
                continue;
            }

            if (value is null)
            {
                bool hasNext = i + 1 < args.Length && !args[i + 1].StartsWith("--", StringComparison.Ordinal);
                if (name == "--legacy-organization-endpoint" && !hasNext)
                {
                    value = "true";
                }
                else if (!hasNext)
                {
                    throw new ArgumentException($"Option '{name}' needs a value.");
                }
                else
                {
                    value = args[++i];
                }
            }

            switch (name)
            {
                case "--urls":
                    if (string.IsNullOrWhiteSpace(value))
                    {
                        throw new ArgumentException("Option '--urls' needs a value such as http://127.0.0.1:8080.");
                    }

                    foreach (string u in value.Split(';', StringSplitOptions.RemoveEmptyEntries))
                    {
                        if (!Uri.TryCreate(u.Trim(), UriKind.Absolute, out Uri? uri) || uri.Scheme != "http")
                        {
                            throw new ArgumentException($"Option '--urls' has an invalid value '{value}': expected an absolute http URL such as http://127.0.0.1:8080.");
                        }
                    }

                    o.Urls = value;
                    break;
                case "--users": o.Users = ParseInt(name, value, 0, MaxUsers); break;
                case "--seed": o.Seed = ParseInt(name, value, int.MinValue, int.MaxValue); break;
                case "--client-id": o.ClientId = NonEmpty(name, value); break;
                case "--client-secret": o.ClientSecret = NonEmpty(name, value); break;
                case "--rate-limit": o.RateLimit = ParseInt(name, value, 0, int.MaxValue); break;
                case "--rate-window-seconds": o.RateWindowSeconds = ParseInt(name, value, 1, 86400); break;
                case "--latency-ms": o.LatencyMs = ParseInt(name, value, 0, 600_000); break;
                case "--fault-rate":
                    if (!double.TryParse(value, NumberStyles.Float, CultureInfo.InvariantCulture, out double rate) || double.IsNaN(rate) || rate < 0 || rate > 1)
                    {
                        throw new ArgumentException($"Option '--fault-rate' has an invalid value '{value}': expected a number from 0 to 1.");
                    }

                    o.FaultRate = rate;
                    break;
                case "--token-lifetime": o.TokenLifetimeSeconds = ParseInt(name, value, 1, 10 * 365 * 86400); break;
                case "--max-batch-size": o.MaxBatchSize = ParseInt(name, value, 1, 1_000_000); break;
                case "--max-page-size": o.MaxPageSize = ParseInt(name, value, 1, 100_000); break;
                case "--max-request-body-bytes":
                    if (!long.TryParse(value, NumberStyles.Integer, CultureInfo.InvariantCulture, out long max) || max < 1)
                    {
                        throw new ArgumentException($"Option '--max-request-body-bytes' has an invalid value '{value}': expected a whole number of at least 1.");
                    }

                    o.MaxRequestBodyBytes = max;
                    break;
                case "--legacy-organization-endpoint":
                    if (!bool.TryParse(value, out bool legacy))
                    {
                        throw new ArgumentException($"Option '--legacy-organization-endpoint' has an invalid value '{value}': expected true or false.");
                    }

                    o.LegacyOrganizationEndpoint = legacy;
                    break;
            }
        }

        return o;
    }

    /// <summary>Throws <see cref="ArgumentException"/> when a property set in code is out of range.</summary>
    public void Validate()
    {
        if (string.IsNullOrWhiteSpace(Urls)) throw new ArgumentException("Urls must not be empty.");
        if (Users < 0 || Users > MaxUsers) throw new ArgumentException($"Users must be from 0 to {MaxUsers}, not {Users}.");
        if (string.IsNullOrEmpty(ClientId)) throw new ArgumentException("ClientId must not be empty.");
        if (string.IsNullOrEmpty(ClientSecret)) throw new ArgumentException("ClientSecret must not be empty.");
        if (RateLimit < 0) throw new ArgumentException($"RateLimit must be 0 (off) or more, not {RateLimit}.");
        if (RateWindowSeconds < 1) throw new ArgumentException($"RateWindowSeconds must be at least 1, not {RateWindowSeconds}.");
        if (LatencyMs < 0) throw new ArgumentException($"LatencyMs must be 0 or more, not {LatencyMs}.");
        if (double.IsNaN(FaultRate) || FaultRate < 0 || FaultRate > 1) throw new ArgumentException($"FaultRate must be from 0 to 1, not {FaultRate}.");
        if (TokenLifetimeSeconds < 1) throw new ArgumentException($"TokenLifetimeSeconds must be at least 1, not {TokenLifetimeSeconds}.");
        if (MaxBatchSize < 1) throw new ArgumentException($"MaxBatchSize must be at least 1, not {MaxBatchSize}.");
        if (MaxPageSize < 1) throw new ArgumentException($"MaxPageSize must be at least 1, not {MaxPageSize}.");
        if (MaxRequestBodyBytes < 1) throw new ArgumentException($"MaxRequestBodyBytes must be at least 1, not {MaxRequestBodyBytes}.");
    }

    internal EmulatorOptions Clone() => (EmulatorOptions)MemberwiseClone();

    private static int ParseInt(string name, string value, int min, int max)
    {
        if (!int.TryParse(value, NumberStyles.Integer, CultureInfo.InvariantCulture, out int n) || n < min || n > max)
        {
            string range = min == int.MinValue ? "a whole number" : max == int.MaxValue ? $"a whole number of at least {min}" : $"a whole number from {min} to {max}";
            throw new ArgumentException($"Option '{name}' has an invalid value '{value}': expected {range}.");
        }

        return n;
    }

    private static string NonEmpty(string name, string value)
    {
        if (string.IsNullOrEmpty(value))
        {
            throw new ArgumentException($"Option '{name}' needs a non-empty value.");
        }

        return value;
    }

    private static string BuildUsage()
    {
        var sb = new StringBuilder();
        sb.AppendLine("PureCloudLicense emulator: a local Genesys Cloud License API with OAuth client credentials.");
        sb.AppendLine();
        sb.AppendLine("Usage: dotnet run --project src/PureCloudLicense.Emulator -c Release -- [options]");
        sb.AppendLine();
        sb.AppendLine("Options (--name value or --name=value):");
        sb.AppendLine("  --urls URL                         address to listen on [http://127.0.0.1:8080]; port 0 picks a free port");
        sb.AppendLine("  --users N                          users in the seeded org [1000]");
        sb.AppendLine("  --seed N                           seed of the org data [1]");
        sb.AppendLine("  --client-id ID                     OAuth client id [pcl-emulator-client]");
        sb.AppendLine("  --client-secret SECRET             OAuth client secret [pcl-emulator-secret]");
        sb.AppendLine("  --rate-limit N                     requests per window per token [300]; 0 = off");
        sb.AppendLine("  --rate-window-seconds N            rate-limit window [60]");
        sb.AppendLine("  --latency-ms N                     delay added to each /api/v2 and /oauth request [0]");
        sb.AppendLine("  --fault-rate X                     share (0..1) of /api/v2 requests answered 502/503/504 [0]");
        sb.AppendLine("  --token-lifetime N                 access token lifetime in seconds [86400]");
        sb.AppendLine("  --max-batch-size N                 most ids in one batch request [100]");
        sb.AppendLine("  --max-page-size N                  largest pageSize of GET /license/users [500]");
        sb.AppendLine("  --legacy-organization-endpoint B   serve GET /api/v2/license/organization (true|false) [true]");
        sb.AppendLine("  --max-request-body-bytes N         larger bodies get 413 [1048576]");
        sb.AppendLine("  --help                             print this text");
        return sb.ToString();
    }
}
