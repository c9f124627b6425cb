using System;
using System.Collections.Generic;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using PureCloudLicense.Api;
using PureCloudLicense.Emulator;
using PureCloudLicense.Models;
using Xunit;

namespace PureCloudLicense.Tests;

/// <summary>Ordering, batching and failure accounting of license changes.</summary>
public sealed class AssignmentTests
{
    private static readonly IReadOnlyDictionary<string, IReadOnlyList<string>> Prerequisites = EmulatorCatalog.Licenses
        .ToDictionary(l => l.Id, l => (IReadOnlyList<string>)l.Prerequisites.ToList());

    [Fact]
    public void Additions_come_first_bases_before_add_ons_then_removals_add_ons_before_bases()
    {
        var user = Guid.NewGuid().ToString();
        var changes = new[]
        {
            new LicenseChange(user, EmulatorCatalog.CloudCX1, LicenseAction.Remove),
            new LicenseChange(user, EmulatorCatalog.WemAddonI, LicenseAction.Remove),
            new LicenseChange(user, EmulatorCatalog.WemAddonII, LicenseAction.Add),
            new LicenseChange(user, EmulatorCatalog.CloudCX2, LicenseAction.Add),
        };

        var batches = AssignmentPlanner.Plan(changes, Prerequisites, 100);

        Assert.Equal(
            new[] { "Add cloudCX2", "Add wem_addon_ii", "Remove wem_addon_i", "Remove cloudCX1" },
            batches.Select(b => $"{b.Changes.Single().Action} {b.Changes.Single().LicenseId}"));
        Assert.Equal(batches.Select(b => b.Phase).OrderBy(p => p), batches.Select(b => b.Phase));
        Assert.Equal(4, batches.Select(b => b.Phase).Distinct().Count());
    }

    [Fact]
    public void A_phase_is_cut_into_batches_of_the_batch_size_without_losing_a_change()
    {
        var changes = Enumerable.Range(0, 250)
            .Select(_ => new LicenseChange(Guid.NewGuid().ToString(), EmulatorCatalog.Collaborate, LicenseAction.Add))
            .ToList();

        var batches = AssignmentPlanner.Plan(changes, Prerequisites, 100);

        Assert.Equal(new[] { 100, 100, 50 }, batches.Select(b => b.Changes.Count));
        Assert.Equal(changes.ToHashSet(), batches.SelectMany(b => b.Changes).ToHashSet());
        Assert.Equal(new[] { 1, 2, 3 }, batches.Select(b => b.Number));
    }

    [Fact]
    public async Task A_batch_split_for_size_judges_each_half_on_its_own()
    {
        await using var emulator = await Emulator.StartAsync();
        using var client = emulator.Client();
        var users = emulator.Server.State.UserIds.Where(u => !emulator.Server.State.GetUserLicenses(u)!.Contains(EmulatorCatalog.Communicate)).Take(4).ToList();
        var changes = users.Select(u => new LicenseChange(u, EmulatorCatalog.Communicate, LicenseAction.Add)).ToList();
        // The whole batch is "too large" once; after the split, the half holding users[3] is refused for good.
        await emulator.SetFaultsAsync(new
        {
            rules = new object[]
            {
                new { method = "POST", path = "/api/v2/license/organization", status = 413, count = 1 },
                new { method = "POST", path = "/api/v2/license/organization", bodyContains = users[3], status = 400 },
            },
        });
        var results = new List<LicenseAssignmentResult>();

        await AssignmentExecutor.RunAsync(client, AssignmentPlanner.Plan(changes, Prerequisites, 4), 1, _ => { }, (_, r) => results.AddRange(r), CancellationToken.None);

        Assert.Equal(4, results.Count);
        Assert.Equal(new[] { "Success", "Success", "NotApplied", "NotApplied" }, results.Select(r => r.Result));
        Assert.Contains(EmulatorCatalog.Communicate, emulator.Server.State.GetUserLicenses(users[0])!);
        Assert.Contains(EmulatorCatalog.Communicate, emulator.Server.State.GetUserLicenses(users[1])!);
        Assert.DoesNotContain(EmulatorCatalog.Communicate, emulator.Server.State.GetUserLicenses(users[3])!);
    }

    [Fact]
    public async Task A_batch_lost_to_a_gateway_error_is_OutcomeUnknown_and_one_refused_is_NotApplied()
    {
        await using var emulator = await Emulator.StartAsync();
        using var client = emulator.Client(configure: o => o.Retry.Budget = TimeSpan.Zero);
        var users = emulator.Server.State.UserIds.Take(2).ToList();
        await emulator.SetFaultsAsync(new
        {
            rules = new object[]
            {
                new { path = "/api/v2/license/organization", bodyContains = users[0], status = 504 },
                new { path = "/api/v2/license/organization", bodyContains = users[1], status = 503 },
            },
        });
        var results = new List<LicenseAssignmentResult>();
        var changes = users.Select(u => new LicenseChange(u, EmulatorCatalog.Communicate, LicenseAction.Add)).ToList();

        await AssignmentExecutor.RunAsync(client, AssignmentPlanner.Plan(changes, Prerequisites, 1), 2, _ => { }, (_, r) => results.AddRange(r), CancellationToken.None);

        Assert.Equal(LicenseAssignmentResult.OutcomeUnknown, results.Single(r => r.UserId == users[0]).Result);
        Assert.Equal(LicenseAssignmentResult.NotApplied, results.Single(r => r.UserId == users[1]).Result);
        Assert.All(results, r => Assert.False(r.Succeeded));
        Assert.All(results, r => Assert.Contains("correlation id", r.Message, StringComparison.OrdinalIgnoreCase));
    }
}
