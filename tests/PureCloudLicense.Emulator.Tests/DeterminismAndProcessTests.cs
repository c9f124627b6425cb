using System;
using System.Diagnostics;
using System.IO;
using System.Linq;
using System.Net.Http;
using System.Threading.Tasks;
using Xunit;

namespace PureCloudLicense.Emulator.Tests;

public sealed class DeterminismTests
{
    [Fact]
    public void SameSeed_SameUsersAndHoldings_OtherSeedDiffers()
    {
        var a = new EmulatorState(300, 11);
        var b = new EmulatorState(300, 11);
        var c = new EmulatorState(300, 12);
        Assert.Equal(a.OrganizationId, b.OrganizationId);
        Assert.Equal(a.UserIds, b.UserIds);
        Assert.Equal(a.GetAllUserLicenses(), b.GetAllUserLicenses());
        Assert.NotEqual(a.UserIds, c.UserIds);
        Assert.NotEqual(a.OrganizationId, c.OrganizationId);
        Assert.Equal(300, a.UserIds.Distinct().Count());
        Assert.All(a.UserIds, id => Assert.True(Guid.TryParse(id, out _)));
    }

    [Fact]
    public void SeededHoldings_AreOneToThree_AndConsistentWithPrerequisites()
    {
        var state = new EmulatorState(2000, 3);
        var used = new System.Collections.Generic.HashSet<string>();
        foreach ((string _, System.Collections.Generic.IReadOnlyList<string> licenses) in state.GetAllUserLicenses())
        {
            Assert.InRange(licenses.Count, 1, 3);
            var effective = licenses.SelectMany(l => new[] { l }.Concat(EmulatorCatalog.FindLicense(l)!.Comprises)).ToHashSet();
            foreach (string l in licenses)
            {
                used.Add(l);
                Assert.All(EmulatorCatalog.FindLicense(l)!.Prerequisites, p => Assert.Contains(p, effective));
            }
        }

        Assert.Equal(EmulatorCatalog.LicenseIds.OrderBy(x => x), used.OrderBy(x => x));
    }

    [Fact]
    public async Task SameOptions_SameOrgOverHttp()
    {
        await using TestEmulator a = await TestEmulator.StartAsync(o => { o.Users = 40; o.Seed = 5; });
        await using TestEmulator b = await TestEmulator.StartAsync(o => { o.Users = 40; o.Seed = 5; });
        string ta = await a.GetTokenAsync();
        string tb = await b.GetTokenAsync();
        string pa = await (await a.GetAsync("api/v2/license/users?pageSize=40", ta)).Content.ReadAsStringAsync();
        string pb = await (await b.GetAsync("api/v2/license/users?pageSize=40", tb)).Content.ReadAsStringAsync();
        Assert.Equal(pa, pb);
        Assert.Contains(a.State.UserIds[39], pa);
        Assert.NotEqual(a.Server.BaseAddress, b.Server.BaseAddress);
        Assert.NotEqual(0, a.Server.BaseAddress.Port);
    }
}

public sealed class ProcessTests
{
    [Fact]
    public async Task Executable_PrintsTheBoundAddress_AndAnswersQuickly()
    {
        string dll = Path.Combine(AppContext.BaseDirectory, "PureCloudLicense.Emulator.dll");
        Assert.True(File.Exists(dll), dll);
        var psi = new ProcessStartInfo("dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (string arg in new[] { dll, "--urls", "http://127.0.0.1:0", "--users", "10", "--client-id", "cid", "--client-secret", "csecret" })
        {
            psi.ArgumentList.Add(arg);
        }

        using Process process = Process.Start(psi)!;
        try
        {
            var sw = Stopwatch.StartNew();
            string? line = await process.StandardOutput.ReadLineAsync().WaitAsync(TimeSpan.FromSeconds(20));
            Assert.NotNull(line);
            Assert.Matches(@"^PureCloudLicense emulator listening on http://127\.0\.0\.1:\d+$", line);
            string address = line!.Substring("PureCloudLicense emulator listening on ".Length);
            Assert.NotEqual(0, new Uri(address).Port);
            string rest = await process.StandardOutput.ReadLineAsync().WaitAsync(TimeSpan.FromSeconds(5)) + "\n" +
                          await process.StandardOutput.ReadLineAsync().WaitAsync(TimeSpan.FromSeconds(5));
            Assert.Contains("cid", rest);
            Assert.Contains("csecret", rest);
            using var http = new HttpClient();
            string ping = await http.GetStringAsync(address + "/emulator/ping");
            Assert.Contains("ok", ping);
            Assert.True(sw.Elapsed < TimeSpan.FromSeconds(10), $"answered after {sw.Elapsed}");
        }
        finally
        {
            process.Kill(entireProcessTree: true);
            await process.WaitForExitAsync();
        }
    }

    [Fact]
    public async Task Executable_RejectsABadOption_WithExitCode2()
    {
        string dll = Path.Combine(AppContext.BaseDirectory, "PureCloudLicense.Emulator.dll");
        var psi = new ProcessStartInfo("dotnet") { RedirectStandardError = true, RedirectStandardOutput = true, UseShellExecute = false };
        psi.ArgumentList.Add(dll);
        psi.ArgumentList.Add("--rate-limit");
        psi.ArgumentList.Add("lots");
        using Process process = Process.Start(psi)!;
        string err = await process.StandardError.ReadToEndAsync().WaitAsync(TimeSpan.FromSeconds(20));
        await process.WaitForExitAsync();
        Assert.Equal(2, process.ExitCode);
        Assert.Contains("--rate-limit", err);
        Assert.Contains("lots", err);
    }
}
