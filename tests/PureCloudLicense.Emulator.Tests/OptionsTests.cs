using System;
using Xunit;

namespace PureCloudLicense.Emulator.Tests;

public sealed class OptionsTests
{
    [Fact]
    public void Defaults_AreTheDocumentedOnes()
    {
        EmulatorOptions o = EmulatorOptions.Parse(Array.Empty<string>());
        Assert.Equal("http://127.0.0.1:8080", o.Urls);
        Assert.Equal(1000, o.Users);
        Assert.Equal(1, o.Seed);
        Assert.Equal("pcl-emulator-client", o.ClientId);
        Assert.Equal("pcl-emulator-secret", o.ClientSecret);
        Assert.Equal(300, o.RateLimit);
        Assert.Equal(60, o.RateWindowSeconds);
        Assert.Equal(0, o.LatencyMs);
        Assert.Equal(0d, o.FaultRate);
        Assert.Equal(86400, o.TokenLifetimeSeconds);
        Assert.Equal(100, o.MaxBatchSize);
        Assert.True(o.LegacyOrganizationEndpoint);
        Assert.Equal(1_048_576, o.MaxRequestBodyBytes);
    }

    [Fact]
    public void Parse_ReadsEveryOption_InBothForms()
    {
        EmulatorOptions o = EmulatorOptions.Parse(new[]
        {
            "--urls", "http://127.0.0.1:0", "--users=50", "--seed", "-7", "--client-id", "id1", "--client-secret=s3",
            "--rate-limit", "0", "--rate-window-seconds", "5", "--latency-ms=12", "--fault-rate", "0.25",
            "--token-lifetime", "30", "--max-batch-size", "10", "--legacy-organization-endpoint", "false",
            "--max-request-body-bytes", "2048", "--max-page-size", "100",
        });
        Assert.Equal("http://127.0.0.1:0", o.Urls);
        Assert.Equal(50, o.Users);
        Assert.Equal(-7, o.Seed);
        Assert.Equal("id1", o.ClientId);
        Assert.Equal("s3", o.ClientSecret);
        Assert.Equal(0, o.RateLimit);
        Assert.Equal(5, o.RateWindowSeconds);
        Assert.Equal(12, o.LatencyMs);
        Assert.Equal(0.25, o.FaultRate);
        Assert.Equal(30, o.TokenLifetimeSeconds);
        Assert.Equal(10, o.MaxBatchSize);
        Assert.False(o.LegacyOrganizationEndpoint);
        Assert.Equal(2048, o.MaxRequestBodyBytes);
        Assert.Equal(100, o.MaxPageSize);
    }

    [Fact]
    public void UnknownOption_ListsTheValidOnes()
    {
        var e = Assert.Throws<ArgumentException>(() => EmulatorOptions.Parse(new[] { "--user", "5" }));
        Assert.Contains("'--user'", e.Message);
        Assert.Contains("--users", e.Message);
        Assert.Contains("--fault-rate", e.Message);
    }

    [Theory]
    [InlineData("--users", "abc")]
    [InlineData("--users", "-1")]
    [InlineData("--fault-rate", "1.5")]
    [InlineData("--fault-rate", "x")]
    [InlineData("--rate-window-seconds", "0")]
    [InlineData("--token-lifetime", "0")]
    [InlineData("--max-batch-size", "0")]
    [InlineData("--max-page-size", "0")]
    [InlineData("--legacy-organization-endpoint", "maybe")]
    [InlineData("--urls", "not a url")]
    [InlineData("--latency-ms", "-5")]
    public void BadValue_NamesOptionAndValue(string option, string value)
    {
        var e = Assert.Throws<ArgumentException>(() => EmulatorOptions.Parse(new[] { option, value }));
        Assert.Contains(option, e.Message);
        Assert.Contains(value, e.Message);
    }

    [Fact]
    public void MissingValue_IsAnError()
    {
        var e = Assert.Throws<ArgumentException>(() => EmulatorOptions.Parse(new[] { "--users" }));
        Assert.Contains("--users", e.Message);
        Assert.Contains("needs a value", e.Message);
    }

    [Fact]
    public void PositionalArgument_IsAnError()
    {
        var e = Assert.Throws<ArgumentException>(() => EmulatorOptions.Parse(new[] { "users" }));
        Assert.Contains("'users'", e.Message);
    }

    [Fact]
    public void BareLegacyFlag_MeansTrue_AndHelpIsRecognised()
    {
        Assert.True(EmulatorOptions.Parse(new[] { "--legacy-organization-endpoint" }).LegacyOrganizationEndpoint);
        Assert.True(EmulatorOptions.IsHelpRequested(new[] { "--users", "3", "--help" }));
        Assert.False(EmulatorOptions.IsHelpRequested(new[] { "--users", "3" }));
        Assert.Contains("--rate-limit", EmulatorOptions.Usage);
    }

    [Fact]
    public async System.Threading.Tasks.Task StartAsync_RejectsInvalidOptionsSetInCode()
    {
        await Assert.ThrowsAsync<ArgumentException>(() =>
            EmulatorServer.StartAsync(new EmulatorOptions { Urls = "http://127.0.0.1:0", FaultRate = 2 }));
    }
}
