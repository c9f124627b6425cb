using System;
using System.Collections.Generic;
using System.Linq;
using System.Text.Json;
using System.Threading.Tasks;
using Xunit;
using static PureCloudLicense.Emulator.EmulatorCatalog;

namespace PureCloudLicense.Emulator.Tests;

/// <summary>POST /api/v2/license/organization rules, each test on its own emulator.</summary>
public sealed class AssignmentTests : IAsyncLifetime
{
    private static readonly string[] None = Array.Empty<string>();
    private TestEmulator _emu = null!;
    private string _token = string.Empty;
    private string[] _u = Array.Empty<string>();

    public async Task InitializeAsync()
    {
        _emu = await TestEmulator.StartAsync(o => o.Users = 50);
        _token = await _emu.GetTokenAsync();
        _u = _emu.State.UserIds.ToArray();
    }

    public async Task DisposeAsync() => await _emu.DisposeAsync();

    private async Task<(string User, string License, string Result)[]> PostAsync(params (string License, string[] Add, string[] Remove)[] items)
    {
        JsonElement answer = await _emu.PostJsonAsync("api/v2/license/organization", _token, TestEmulator.Assignments(items));
        return answer.EnumerateArray()
            .Select(e => (e.GetProperty("userId").GetString()!, e.GetProperty("licenseId").GetString()!, e.GetProperty("result").GetString()!))
            .ToArray();
    }

    private void Given(string user, params string[] licenses) => _emu.State.SetUserLicenses(user, licenses);

    private void AssertHolds(string user, params string[] licenses) =>
        Assert.Equal(licenses.OrderBy(l => l, StringComparer.Ordinal), _emu.State.GetUserLicenses(user)!.OrderBy(l => l, StringComparer.Ordinal));

    [Fact]
    public async Task AddAndRemove_ChangeState_OneStatusPerPair()
    {
        Given(_u[0], Collaborate);
        Given(_u[1], Collaborate, Communicate);
        var result = await PostAsync((Communicate, new[] { _u[0] }, new[] { _u[1] }), (CloudCX1, new[] { _u[0], _u[1] }, None));
        Assert.Equal(new[]
        {
            (_u[0], Communicate, "Success"), (_u[1], Communicate, "Success"), (_u[0], CloudCX1, "Success"), (_u[1], CloudCX1, "Success"),
        }, result);
        AssertHolds(_u[0], Collaborate, Communicate, CloudCX1);
        AssertHolds(_u[1], Collaborate, CloudCX1);
    }

    [Fact]
    public async Task SetSemantics_AddingHeldOrRemovingAbsent_IsSuccessAndChangesNothing()
    {
        Given(_u[0], Collaborate);
        var result = await PostAsync((Collaborate, new[] { _u[0] }, None), (Communicate, None, new[] { _u[0] }));
        Assert.All(result, r => Assert.Equal("Success", r.Result));
        AssertHolds(_u[0], Collaborate);
    }

    [Fact]
    public async Task DuplicatePairs_GiveOneStatus()
    {
        Given(_u[0], Collaborate);
        var result = await PostAsync((Communicate, new[] { _u[0], _u[0] }, None), (Communicate, new[] { _u[0] }, None));
        Assert.Single(result);
        AssertHolds(_u[0], Collaborate, Communicate);
    }

    [Fact]
    public async Task UnknownUserAndLicense_AreReportedPerPair()
    {
        Given(_u[0], Collaborate);
        string ghost = "00000000-0000-0000-0000-000000000001";
        var result = await PostAsync((Communicate, new[] { ghost, _u[0] }, None), ("cloudCX9", new[] { _u[0] }, None));
        Assert.Equal(new[] { (ghost, Communicate, "UserNotFound"), (_u[0], Communicate, "Success"), (_u[0], "cloudCX9", "LicenseNotFound") }, result);
        AssertHolds(_u[0], Collaborate, Communicate);
    }

    [Fact]
    public async Task SameUserAddedAndRemoved_IsConflictingChange_AndChangesNothing()
    {
        Given(_u[0], Collaborate);
        Given(_u[1], Collaborate);
        var result = await PostAsync((Communicate, new[] { _u[0] }, new[] { _u[0] }), (Collaborate, new[] { _u[1] }, None), (Collaborate, None, new[] { _u[1] }));
        Assert.Equal(new[] { "ConflictingChange", "ConflictingChange", "ConflictingChange", "ConflictingChange" }, result.Select(r => r.Result).ToArray());
        AssertHolds(_u[0], Collaborate);
        AssertHolds(_u[1], Collaborate);
    }

    [Fact]
    public async Task AddOnWithoutBase_IsPrerequisiteMissing()
    {
        Given(_u[0], Collaborate);
        var result = await PostAsync((WemAddonI, new[] { _u[0] }, None), (WemAddonII, new[] { _u[0] }, None));
        Assert.All(result, r => Assert.Equal("PrerequisiteMissing", r.Result));
        AssertHolds(_u[0], Collaborate);
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task BaseAndAddOnInOneRequest_WorkInEitherOrder(bool baseFirst)
    {
        Given(_u[0], Collaborate);
        var items = new[] { (CloudCX2, new[] { _u[0] }, None), (WemAddonII, new[] { _u[0] }, None) };
        var result = await PostAsync(baseFirst ? items : items.Reverse().ToArray());
        Assert.All(result, r => Assert.Equal("Success", r.Result));
        AssertHolds(_u[0], Collaborate, CloudCX2, WemAddonII);
    }

    [Fact]
    public async Task RemovingABaseAnAddOnNeeds_IsPrerequisiteInUse()
    {
        Given(_u[0], CloudCX1, WemAddonI);
        var result = await PostAsync((CloudCX1, None, new[] { _u[0] }));
        Assert.Equal("PrerequisiteInUse", Assert.Single(result).Result);
        AssertHolds(_u[0], CloudCX1, WemAddonI);
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task RemovingAddOnAndBaseTogether_Works(bool baseFirst)
    {
        Given(_u[0], CloudCX3, SpeechTextAnalytics, Collaborate);
        var items = new[] { (CloudCX3, None, new[] { _u[0] }), (SpeechTextAnalytics, None, new[] { _u[0] }) };
        var result = await PostAsync(baseFirst ? items : items.Reverse().ToArray());
        Assert.All(result, r => Assert.Equal("Success", r.Result));
        AssertHolds(_u[0], Collaborate);
    }

    [Fact]
    public async Task BundleSatisfiesPrerequisite_AndRemovingTheBundleIsThenInUse()
    {
        Given(_u[0], CloudCX4);
        var added = await PostAsync((SpeechTextAnalytics, new[] { _u[0] }, None));
        Assert.Equal("Success", Assert.Single(added).Result);
        var removed = await PostAsync((CloudCX4, None, new[] { _u[0] }));
        Assert.Equal("PrerequisiteInUse", Assert.Single(removed).Result);
        AssertHolds(_u[0], CloudCX4, SpeechTextAnalytics);

        // Swapping the bundle for the base in one request keeps the add-on's prerequisite.
        var swapped = await PostAsync((CloudCX4, None, new[] { _u[0] }), (CloudCX3, new[] { _u[0] }, None));
        Assert.All(swapped, r => Assert.Equal("Success", r.Result));
        AssertHolds(_u[0], CloudCX3, SpeechTextAnalytics);
    }

    [Fact]
    public async Task FailedAdd_DoesNotBlockAnUnrelatedRemove_Fixpoint()
    {
        // Adding wem_addon_i while removing cloudCX1: the add fails (its base would be gone), and with the add
        // reverted the removal is fine.
        Given(_u[0], CloudCX1, Collaborate);
        var result = await PostAsync((WemAddonI, new[] { _u[0] }, None), (CloudCX1, None, new[] { _u[0] }));
        Assert.Equal(new[] { "PrerequisiteMissing", "Success" }, result.Select(r => r.Result).ToArray());
        AssertHolds(_u[0], Collaborate);
    }

    [Fact]
    public async Task ReAddingAHeldAddOn_DoesNotProtectItsBase()
    {
        Given(_u[0], CloudCX1, WemAddonI);
        var result = await PostAsync((WemAddonI, new[] { _u[0] }, None), (CloudCX1, None, new[] { _u[0] }));
        Assert.Equal(new[] { "Success", "PrerequisiteInUse" }, result.Select(r => r.Result).ToArray());
        AssertHolds(_u[0], CloudCX1, WemAddonI);
    }

    [Fact]
    public async Task FailuresForOneUser_DoNotStopOthers()
    {
        Given(_u[0], Collaborate);
        Given(_u[1], CloudCX2);
        var result = await PostAsync((WemAddonII, new[] { _u[0], _u[1] }, None));
        Assert.Equal(new[] { "PrerequisiteMissing", "Success" }, result.Select(r => r.Result).ToArray());
        AssertHolds(_u[0], Collaborate);
        AssertHolds(_u[1], CloudCX2, WemAddonII);
    }

    [Fact]
    public async Task ResultsAreReadableThroughTheApi()
    {
        Given(_u[0], Collaborate);
        await PostAsync((CloudCX1, new[] { _u[0] }, None), (WemAddonI, new[] { _u[0] }, None));
        JsonElement user = await _emu.GetJsonAsync("api/v2/license/users/" + _u[0], _token);
        Assert.Equal(new[] { Collaborate, CloudCX1, WemAddonI }, user.GetProperty("licenses").EnumerateArray().Select(l => l.GetProperty("id").GetString()).ToArray());
    }
}

public sealed class ConcurrencyTests
{
    [Fact]
    public async Task ParallelBatchesOnTheSameUsers_LoseNoUpdate()
    {
        await using TestEmulator emu = await TestEmulator.StartAsync(o => o.Users = 60);
        string token = await emu.GetTokenAsync();
        string[] users = emu.State.UserIds.Take(40).ToArray();
        foreach (string u in users)
        {
            emu.State.SetUserLicenses(u, Array.Empty<string>());
        }

        // 48 batches: each adds one of the six prerequisite-free licenses to a random (overlapping) set of users.
        string[] licenses = { Collaborate, Communicate, CloudCX1, CloudCX2, CloudCX3, CloudCX4 };
        var rnd = new Random(42);
        var expected = users.ToDictionary(u => u, _ => new HashSet<string>());
        var bodies = new List<string>();
        for (int i = 0; i < 48; i++)
        {
            string license = licenses[i % licenses.Length];
            string[] chosen = users.Where(_ => rnd.Next(2) == 0).Take(100).ToArray();
            foreach (string u in chosen)
            {
                expected[u].Add(license);
            }

            bodies.Add(TestEmulator.Assignments((license, chosen, Array.Empty<string>())));
        }

        var http = new System.Net.Http.HttpClient { BaseAddress = emu.Server.BaseAddress };
        http.DefaultRequestHeaders.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", token);
        using (http)
        {
            System.Net.Http.HttpResponseMessage[] responses = await Task.WhenAll(bodies.Select(b =>
                http.PostAsync("api/v2/license/organization", new System.Net.Http.StringContent(b, System.Text.Encoding.UTF8, "application/json"))));
            Assert.All(responses, r => Assert.Equal(System.Net.HttpStatusCode.OK, r.StatusCode));
        }

        foreach (string u in users)
        {
            Assert.Equal(expected[u].OrderBy(l => l, StringComparer.Ordinal), emu.State.GetUserLicenses(u)!.OrderBy(l => l, StringComparer.Ordinal));
        }
    }
}
