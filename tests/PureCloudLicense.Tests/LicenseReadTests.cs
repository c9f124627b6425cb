using System;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using PureCloudLicense.Api;
using PureCloudLicense.Emulator;
using Xunit;

namespace PureCloudLicense.Tests;

/// <summary>The typed read operations of LicenseApiClient against the emulator's data.</summary>
public sealed class LicenseReadTests
{
    [Fact]
    public async Task Definitions_carry_prerequisites_and_bundles()
    {
        await using var emulator = await Emulator.StartAsync();
        using var client = emulator.Client();

        var definitions = await client.GetDefinitionsAsync(CancellationToken.None);

        Assert.Equal(EmulatorCatalog.LicenseIds.OrderBy(i => i), definitions.Select(d => d.Id).OrderBy(i => i));
        var addOn = definitions.Single(d => d.Id == EmulatorCatalog.WemAddonI);
        Assert.Equal(new[] { EmulatorCatalog.CloudCX1 }, addOn.PrerequisiteIds);
        Assert.NotEmpty(addOn.Permissions);
        var bundle = definitions.Single(d => d.Id == EmulatorCatalog.CloudCX4);
        Assert.Contains(bundle.Comprises, c => c.Id == EmulatorCatalog.CloudCX3);
    }

    [Fact]
    public async Task The_definition_cache_reads_once_for_parallel_callers_and_then_not_again()
    {
        await using var emulator = await Emulator.StartAsync(o => o.LatencyMs = 200);
        using var client = emulator.Client();
        await client.AuthenticateAsync(CancellationToken.None);
        var cache = new DefinitionCache(client);

        var answers = await Task.WhenAll(Enumerable.Range(0, 8).Select(_ => cache.GetAsync(CancellationToken.None)));
        var again = await cache.GetAsync(CancellationToken.None);

        Assert.All(answers, a => Assert.Equal(EmulatorCatalog.LicenseIds.Count, a.Count));
        Assert.Same(answers[0], again);
        Assert.Equal(1, await emulator.RouteCountAsync("GET /api/v2/license/definitions", 200));
        Assert.Equal(EmulatorCatalog.LicenseIds.OrderBy(i => i, StringComparer.OrdinalIgnoreCase), cache.GetIds(TimeSpan.FromSeconds(5)));
    }

    [Fact]
    public async Task An_unknown_definition_is_null_not_an_error()
    {
        await using var emulator = await Emulator.StartAsync();
        using var client = emulator.Client();

        Assert.Null(await client.GetDefinitionAsync("no-such-license", CancellationToken.None));
        Assert.Equal(EmulatorCatalog.CloudCX2, (await client.GetDefinitionAsync(EmulatorCatalog.CloudCX2, CancellationToken.None))!.Id);
    }

    [Theory]
    [InlineData("object")]
    [InlineData("array")]
    public async Task Batched_user_read_accepts_both_answer_shapes(string shape)
    {
        await using var emulator = await Emulator.StartAsync();
        using var client = emulator.Client();
        await emulator.SetFaultsAsync(new { usersBatchShape = shape });
        var ids = emulator.Server.State.UserIds.Take(20).ToList();
        var unknown = Guid.NewGuid().ToString();

        var users = await client.GetUsersAsync(ids.Append(unknown).ToList(), CancellationToken.None);

        Assert.Equal(20, users.Count);
        Assert.False(users.ContainsKey(unknown));
        foreach (var id in ids)
        {
            Assert.Equal(emulator.Server.State.GetUserLicenses(id)!.OrderBy(x => x), users[id].LicenseIds.OrderBy(x => x));
            Assert.Equal(id, users[id].UserId);
        }

        // Definitions only come with the object shape.
        Assert.Equal(shape == "object", users[ids[0]].Licenses.Length > 0);
    }

    [Fact]
    public async Task The_paged_listing_reads_every_user_once()
    {
        await using var emulator = await Emulator.StartAsync(o => o.Users = 1234);
        using var client = emulator.Client();
        var seen = new System.Collections.Generic.List<string>();
        var pageCounts = new System.Collections.Generic.HashSet<int?>();

        await UserListing.ReadAsync(client, 3, (page, count) => { seen.AddRange(page.Users.Select(u => u.UserId)); pageCounts.Add(count); }, (_, _, ex) => throw ex, CancellationToken.None);

        Assert.Equal(1234, seen.Count);
        Assert.Equal(emulator.Server.State.UserIds.OrderBy(x => x), seen.OrderBy(x => x));
        Assert.Equal(new int?[] { 3 }, pageCounts.ToArray()); // 500 per page
    }

    [Fact]
    public async Task The_listing_falls_back_to_a_smaller_page_size_the_service_takes_and_keeps_it()
    {
        await using var emulator = await Emulator.StartAsync(o =>
        {
            o.Users = 250;
            o.MaxPageSize = 100;
        });
        using var client = emulator.Client();
        var seen = new System.Collections.Generic.List<string>();

        await UserListing.ReadAsync(client, 2, (page, _) => seen.AddRange(page.Users.Select(u => u.UserId)), (_, _, ex) => throw ex, CancellationToken.None);
        await UserListing.ReadAsync(client, 2, (page, _) => { }, (_, _, ex) => throw ex, CancellationToken.None);

        Assert.Equal(emulator.Server.State.UserIds.OrderBy(x => x), seen.OrderBy(x => x));
        // 500 refused once; 100 worked and was remembered for the second read (3 pages each).
        Assert.Equal(1, await emulator.RouteCountAsync("GET /api/v2/license/users", 400));
        Assert.Equal(6, await emulator.RouteCountAsync("GET /api/v2/license/users", 200));
    }

    [Fact]
    public async Task The_organization_endpoint_is_read_where_served_and_null_where_404()
    {
        await using var legacy = await Emulator.StartAsync();
        using var legacyClient = legacy.Client();
        var holders = await legacyClient.GetLicenseOrganizationAsync(CancellationToken.None);
        Assert.NotNull(holders);
        Assert.Equal(
            legacy.Server.State.GetLicenseHolders(EmulatorCatalog.CloudCX1).OrderBy(x => x),
            holders![EmulatorCatalog.CloudCX1].OrderBy(x => x));

        await using var live = await Emulator.StartAsync(o => o.LegacyOrganizationEndpoint = false);
        using var liveClient = live.Client();
        Assert.Null(await liveClient.GetLicenseOrganizationAsync(CancellationToken.None));
    }

    [Fact]
    public async Task Infer_returns_the_licenses_of_the_roles()
    {
        await using var emulator = await Emulator.StartAsync();
        using var client = emulator.Client();

        var ids = await client.InferLicensesAsync(new[] { EmulatorCatalog.AgentRoleId, "unknown-role" }, CancellationToken.None);

        var expected = EmulatorCatalog.Roles.Single(r => r.Id == EmulatorCatalog.AgentRoleId).LicenseIds;
        Assert.Equal(expected.OrderBy(x => x), ids.OrderBy(x => x));
    }
}
