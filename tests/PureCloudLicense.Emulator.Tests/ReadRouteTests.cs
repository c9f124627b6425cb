using System;
using System.Collections.Generic;
using System.Linq;
using System.Net;
using System.Net.Http;
using System.Text.Json;
using System.Threading.Tasks;
using Xunit;

namespace PureCloudLicense.Emulator.Tests;

[Collection("shared")]
public sealed class ReadRouteTests
{
    private readonly TestEmulator _emu;
    private readonly string _token;

    public ReadRouteTests(SharedEmulatorFixture fixture)
    {
        _emu = fixture.Emulator;
        _token = fixture.Token;
    }

    [Fact]
    public async Task OrganizationsMe_IsTheSeededOrg()
    {
        JsonElement org = await _emu.GetJsonAsync("api/v2/organizations/me", _token);
        string id = org.GetProperty("id").GetString()!;
        Assert.True(Guid.TryParse(id, out _));
        Assert.Equal(_emu.State.OrganizationId, id);
        Assert.Equal("PureCloudLicense Emulator", org.GetProperty("name").GetString());
        Assert.Equal("/api/v2/organizations/" + id, org.GetProperty("selfUri").GetString());
    }

    [Fact]
    public async Task Definitions_ListTheWholeCatalogue()
    {
        JsonElement defs = await _emu.GetJsonAsync("api/v2/license/definitions", _token);
        string[] ids = defs.EnumerateArray().Select(d => d.GetProperty("id").GetString()!).ToArray();
        Assert.Equal(new[] { "collaborate", "communicate", "cloudCX1", "cloudCX2", "cloudCX3", "wem_addon_i", "wem_addon_ii", "speech_text_analytics", "cloudCX4" }, ids);
        foreach (JsonElement d in defs.EnumerateArray())
        {
            string id = d.GetProperty("id").GetString()!;
            Assert.Equal("/api/v2/license/definitions/" + id, d.GetProperty("selfUri").GetString());
            Assert.False(string.IsNullOrEmpty(d.GetProperty("description").GetString()));
            Assert.NotEmpty(TestEmulator.Strings(d.GetProperty("permissions").GetProperty("ids")));
            Assert.Equal(JsonValueKind.Array, d.GetProperty("comprises").ValueKind);
        }

        JsonElement wem = defs.EnumerateArray().Single(d => d.GetProperty("id").GetString() == "wem_addon_i");
        JsonElement prereq = Assert.Single(wem.GetProperty("prerequisites").EnumerateArray());
        Assert.Equal("cloudCX1", prereq.GetProperty("id").GetString());
        Assert.Equal("/api/v2/license/definitions/cloudCX1", prereq.GetProperty("selfUri").GetString());
        JsonElement cx4 = defs.EnumerateArray().Single(d => d.GetProperty("id").GetString() == "cloudCX4");
        Assert.Equal(new[] { "cloudCX3", "speech_text_analytics" }, cx4.GetProperty("comprises").EnumerateArray().Select(c => c.GetProperty("id").GetString()).ToArray());
        Assert.Empty(cx4.GetProperty("prerequisites").EnumerateArray());
    }

    [Theory]
    [InlineData(EmulatorCatalog.Collaborate)]
    [InlineData(EmulatorCatalog.SpeechTextAnalytics)]
    [InlineData(EmulatorCatalog.CloudCX4)]
    public async Task Definition_ById(string id)
    {
        JsonElement d = await _emu.GetJsonAsync("api/v2/license/definitions/" + id, _token);
        Assert.Equal(id, d.GetProperty("id").GetString());
        Assert.Equal(EmulatorCatalog.FindLicense(id)!.Permissions, TestEmulator.Strings(d.GetProperty("permissions").GetProperty("ids")));
    }

    [Fact]
    public async Task UnknownDefinition_Is404NotFound_WithEntityId()
    {
        using HttpResponseMessage r = await _emu.GetAsync("api/v2/license/definitions/cloudCX9", _token);
        JsonElement body = await TestEmulator.AssertErrorAsync(r, HttpStatusCode.NotFound, "not.found");
        Assert.Equal("cloudCX9", body.GetProperty("entityId").GetString());
    }

    [Fact]
    public async Task User_ById_HasFullDefinitions()
    {
        foreach (string userId in _emu.State.UserIds.Take(10))
        {
            JsonElement u = await _emu.GetJsonAsync("api/v2/license/users/" + userId, _token);
            Assert.Equal(userId, u.GetProperty("id").GetString());
            Assert.Equal("/api/v2/license/users/" + userId, u.GetProperty("selfUri").GetString());
            string[] ids = u.GetProperty("licenses").EnumerateArray().Select(l => l.GetProperty("id").GetString()!).ToArray();
            Assert.Equal(_emu.State.GetUserLicenses(userId), ids);
            Assert.All(u.GetProperty("licenses").EnumerateArray(), l => Assert.True(l.TryGetProperty("permissions", out _)));
        }
    }

    [Theory]
    [InlineData("00000000-0000-0000-0000-000000000000")]
    [InlineData("not-a-guid")]
    public async Task UnknownUser_Is404NotFound(string id)
    {
        using HttpResponseMessage r = await _emu.GetAsync("api/v2/license/users/" + id, _token);
        JsonElement body = await TestEmulator.AssertErrorAsync(r, HttpStatusCode.NotFound, "not.found");
        Assert.Equal(id, body.GetProperty("entityId").GetString());
    }

    [Fact]
    public async Task UsersPage_Defaults()
    {
        JsonElement page = await _emu.GetJsonAsync("api/v2/license/users", _token);
        Assert.Equal(25, page.GetProperty("pageSize").GetInt32());
        Assert.Equal(1, page.GetProperty("pageNumber").GetInt32());
        Assert.Equal(200, page.GetProperty("total").GetInt32());
        Assert.Equal(8, page.GetProperty("pageCount").GetInt32());
        Assert.Equal(25, page.GetProperty("entities").GetArrayLength());
        JsonElement first = page.GetProperty("entities")[0];
        Assert.Equal(_emu.State.UserIds[0], first.GetProperty("id").GetString());
        Assert.Equal(_emu.State.GetUserLicenses(_emu.State.UserIds[0]), TestEmulator.Strings(first.GetProperty("licenses")));
        Assert.Equal("/api/v2/license/users/" + _emu.State.UserIds[0], first.GetProperty("selfUri").GetString());
    }

    [Theory]
    [InlineData("pageSize=0")]
    [InlineData("pageSize=501")]
    [InlineData("pageSize=abc")]
    [InlineData("pageSize=")]
    [InlineData("pageSize=2.5")]
    [InlineData("pageNumber=0")]
    [InlineData("pageNumber=-1")]
    [InlineData("pageNumber=x")]
    public async Task UsersPage_BadPaging_Is400(string query)
    {
        using HttpResponseMessage r = await _emu.GetAsync("api/v2/license/users?" + query, _token);
        await TestEmulator.AssertErrorAsync(r, HttpStatusCode.BadRequest, "bad.request");
    }

    [Fact]
    public async Task UsersPage_WalksEveryUserOnce_InStableOrder()
    {
        var seen = new List<string>();
        for (int p = 1; p <= 7; p++)
        {
            JsonElement page = await _emu.GetJsonAsync($"api/v2/license/users?pageSize=30&pageNumber={p}", _token);
            Assert.Equal(7, page.GetProperty("pageCount").GetInt32());
            Assert.Equal(200, page.GetProperty("total").GetInt32());
            Assert.Equal(p == 7 ? 20 : 30, page.GetProperty("entities").GetArrayLength());
            seen.AddRange(page.GetProperty("entities").EnumerateArray().Select(e => e.GetProperty("id").GetString()!));
        }

        Assert.Equal(_emu.State.UserIds, seen);

        JsonElement past = await _emu.GetJsonAsync("api/v2/license/users?pageSize=30&pageNumber=8", _token);
        Assert.Equal(0, past.GetProperty("entities").GetArrayLength());
        Assert.Equal(200, past.GetProperty("total").GetInt32());
        Assert.Equal(8, past.GetProperty("pageNumber").GetInt32());

        JsonElement max = await _emu.GetJsonAsync("api/v2/license/users?pageSize=500", _token);
        Assert.Equal(200, max.GetProperty("entities").GetArrayLength());
        Assert.Equal(1, max.GetProperty("pageCount").GetInt32());
    }

    [Fact]
    public async Task PostUsers_ObjectShape_LeavesOutUnknownIds()
    {
        string a = _emu.State.UserIds[5];
        string b = _emu.State.UserIds[6];
        string body = JsonSerializer.Serialize(new[] { a, "00000000-0000-0000-0000-00000000dead", b, a });
        JsonElement answer = await _emu.PostJsonAsync("api/v2/license/users", _token, body);
        Assert.Equal(new[] { a, b }, answer.EnumerateObject().Select(p => p.Name).ToArray());
        JsonElement value = answer.GetProperty(a);
        Assert.Equal(a, value.GetProperty("id").GetString());
        Assert.Equal("/api/v2/license/users/" + a, value.GetProperty("selfUri").GetString());
        Assert.Equal(_emu.State.GetUserLicenses(a), value.GetProperty("licenses").EnumerateArray().Select(l => l.GetProperty("id").GetString()!).ToArray());
    }

    [Fact]
    public async Task PostUsers_EmptyArray_GivesEmptyObject()
    {
        JsonElement answer = await _emu.PostJsonAsync("api/v2/license/users", _token, "[]");
        Assert.Empty(answer.EnumerateObject());
    }

    [Fact]
    public async Task Infer_MapsRolesToDistinctLicenses()
    {
        string body = JsonSerializer.Serialize(new[]
        {
            EmulatorCatalog.SpeechAnalystRoleId, EmulatorCatalog.MasterAdminRoleId, EmulatorCatalog.EmployeeRoleId, "unknown-role",
        });
        JsonElement answer = await _emu.PostJsonAsync("api/v2/license/infer", _token, body);
        Assert.Equal(new[] { "collaborate", "cloudCX3", "speech_text_analytics", "cloudCX4" }, TestEmulator.Strings(answer));

        JsonElement none = await _emu.PostJsonAsync("api/v2/license/infer", _token, "[\"nope\"]");
        Assert.Equal(0, none.GetArrayLength());

        JsonElement agent = await _emu.PostJsonAsync("api/v2/license/infer", _token, JsonSerializer.Serialize(new[] { EmulatorCatalog.AgentRoleId }));
        Assert.Equal(new[] { "cloudCX1" }, TestEmulator.Strings(agent));
    }

    [Fact]
    public async Task LegacyOrganization_ListsHoldersPerLicense()
    {
        JsonElement org = await _emu.GetJsonAsync("api/v2/license/organization", _token);
        Assert.Equal(_emu.State.OrganizationId, org.GetProperty("id").GetString());
        Assert.Equal("PureCloudLicense Emulator", org.GetProperty("name").GetString());
        Assert.Equal("/api/v2/organizations/" + _emu.State.OrganizationId, org.GetProperty("selfUri").GetString());
        JsonElement licenses = org.GetProperty("licenses");
        foreach (string id in EmulatorCatalog.LicenseIds)
        {
            JsonElement holders = licenses.GetProperty(id);
            Assert.Equal(_emu.State.GetLicenseHolders(id), holders.EnumerateArray().Select(h => h.GetProperty("id").GetString()!).ToArray());
            Assert.All(holders.EnumerateArray(), h => Assert.Equal("/api/v2/users/" + h.GetProperty("id").GetString(), h.GetProperty("selfUri").GetString()));
        }

        int total = licenses.EnumerateObject().Sum(p => p.Value.GetArrayLength());
        Assert.Equal(_emu.State.GetAllUserLicenses().Values.Sum(l => l.Count), total);
    }
}

public sealed class ShapeAndEndpointSwitchTests
{
    [Fact]
    public async Task LegacyOrganizationEndpointOff_Is404()
    {
        await using TestEmulator emu = await TestEmulator.StartAsync(o => { o.Users = 10; o.LegacyOrganizationEndpoint = false; });
        string token = await emu.GetTokenAsync();
        using HttpResponseMessage r = await emu.GetAsync("api/v2/license/organization", token);
        await TestEmulator.AssertErrorAsync(r, HttpStatusCode.NotFound, "not.found");

        // The POST route stays.
        string user = emu.State.UserIds[0];
        JsonElement ok = await emu.PostJsonAsync("api/v2/license/organization", token,
            TestEmulator.Assignments(("collaborate", new[] { user }, Array.Empty<string>())));
        Assert.Equal("Success", ok[0].GetProperty("result").GetString());
    }

    [Fact]
    public async Task PostUsers_ArrayShape_CanBeSwitchedOnAndOff()
    {
        await using TestEmulator emu = await TestEmulator.StartAsync(o => o.Users = 10);
        string token = await emu.GetTokenAsync();
        string user = emu.State.UserIds[1];
        string body = JsonSerializer.Serialize(new[] { user });

        JsonElement settings = await emu.SetFaultsAsync("{\"usersBatchShape\":\"array\"}");
        Assert.Equal("array", settings.GetProperty("usersBatchShape").GetString());
        JsonElement answer = await emu.PostJsonAsync("api/v2/license/users", token, body);
        Assert.Equal(JsonValueKind.Array, answer.GetProperty(user).ValueKind);
        Assert.Equal(emu.State.GetUserLicenses(user), TestEmulator.Strings(answer.GetProperty(user)));

        await emu.SetFaultsAsync("{\"usersBatchShape\":\"object\"}");
        JsonElement again = await emu.PostJsonAsync("api/v2/license/users", token, body);
        Assert.Equal(JsonValueKind.Object, again.GetProperty(user).ValueKind);

        using HttpResponseMessage bad = await emu.PostAsync("emulator/faults", null, "{\"usersBatchShape\":\"list\"}");
        await TestEmulator.AssertErrorAsync(bad, HttpStatusCode.BadRequest, "bad.request");
    }

    [Fact]
    public async Task SmallMaxBatchSize_IsEnforced()
    {
        await using TestEmulator emu = await TestEmulator.StartAsync(o => { o.Users = 10; o.MaxBatchSize = 3; });
        string token = await emu.GetTokenAsync();
        string[] u = emu.State.UserIds.ToArray();
        await emu.PostJsonAsync("api/v2/license/users", token, JsonSerializer.Serialize(u.Take(3)));
        using HttpResponseMessage r = await emu.PostAsync("api/v2/license/users", token, JsonSerializer.Serialize(u.Take(4)));
        await TestEmulator.AssertErrorAsync(r, HttpStatusCode.BadRequest, "constraint.validation");
        using HttpResponseMessage org = await emu.PostAsync("api/v2/license/organization", token,
            TestEmulator.Assignments(("collaborate", u.Take(2).ToArray(), Array.Empty<string>()), ("communicate", Array.Empty<string>(), u.Skip(2).Take(2).ToArray())));
        await TestEmulator.AssertErrorAsync(org, HttpStatusCode.BadRequest, "constraint.validation");
    }
}
