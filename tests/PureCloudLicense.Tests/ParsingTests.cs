using System;
using System.Linq;
using System.Text.Json;
using PureCloudLicense.Api;
using PureCloudLicense.Api.Http;
using PureCloudLicense.Api.Json;
using Xunit;

namespace PureCloudLicense.Tests;

/// <summary>Tolerant reading, environment resolution and redaction: pure functions, no HTTP.</summary>
public sealed class ParsingTests
{
    [Theory]
    [InlineData("{\"id\":\"u1\",\"licenses\":[{\"id\":\"a\",\"description\":\"A\",\"future\":1},{\"id\":\"b\"}],\"newField\":{}}", "u1", 2, 2)]
    [InlineData("[\"a\",\"b\"]", "u1", 2, 0)]
    [InlineData("[{\"id\":\"a\"},{\"id\":\"b\",\"x\":[1]}]", "u1", 2, 2)]
    [InlineData("{\"licenses\":[\"a\"]}", "u1", 1, 0)]
    [InlineData("{\"id\":\"u1\"}", "u1", 0, 0)]
    public void A_users_licenses_are_read_from_every_documented_shape(string json, string id, int ids, int definitions)
    {
        using var document = JsonDocument.Parse(json);

        var user = LicenseJsonReader.ToUser(id, document.RootElement);

        Assert.NotNull(user);
        Assert.Equal(id, user!.UserId);
        Assert.Equal(ids, user.LicenseIds.Length);
        Assert.Equal(definitions, user.Licenses.Length);
    }

    [Fact]
    public void Null_for_a_user_means_no_user()
    {
        using var document = JsonDocument.Parse("null");
        Assert.Null(LicenseJsonReader.ToUser("u1", document.RootElement));
    }

    [Theory]
    [InlineData("us_east_1", "https://api.mypurecloud.com/", "https://login.mypurecloud.com/")]
    [InlineData("eu-west-1", "https://api.mypurecloud.ie/", "https://login.mypurecloud.ie/")]
    [InlineData("usw2.pure.cloud", "https://api.usw2.pure.cloud/", "https://login.usw2.pure.cloud/")]
    [InlineData("api.mypurecloud.de", "https://api.mypurecloud.de/", "https://login.mypurecloud.de/")]
    [InlineData("http://127.0.0.1:8080", "http://127.0.0.1:8080/", "http://127.0.0.1:8080/")]
    [InlineData("http://localhost:5000/gc/", "http://localhost:5000/gc/", "http://localhost:5000/gc/")]
    [InlineData("https://gateway.example.com/genesys", "https://gateway.example.com/genesys/", "https://gateway.example.com/genesys/")]
    public void Environments_resolve_to_api_and_login_bases(string value, string api, string login)
    {
        var environment = GenesysEnvironment.Resolve(value);
        Assert.Equal(api, environment.ApiBaseUri.ToString());
        Assert.Equal(login, environment.LoginBaseUri.ToString());
        Assert.EndsWith("oauth/token", environment.TokenUri.ToString());
    }

    [Fact]
    public void An_unknown_environment_lists_the_known_regions()
    {
        var ex = Assert.Throws<ArgumentException>(() => GenesysEnvironment.Resolve("mars_north_1"));
        Assert.Contains("mars_north_1", ex.Message);
        Assert.Contains("eu_west_1 (mypurecloud.ie)", ex.Message);
        Assert.Equal(18, GenesysEnvironment.KnownRegions.Count);
    }

    [Fact]
    public void Plain_http_is_refused_for_hosts_other_than_loopback()
    {
        var ex = Assert.Throws<ArgumentException>(() => GenesysEnvironment.Resolve("http://gateway.example.com"));
        Assert.Contains("in clear", ex.Message);
        Assert.True(GenesysEnvironment.Resolve("http://[::1]:9000").IsGateway);
    }

    [Fact]
    public void A_gateway_uri_with_a_user_name_or_password_is_refused_without_echoing_it()
    {
        var ex = Assert.Throws<ArgumentException>(() => GenesysEnvironment.Resolve("https://user:s3cret@gateway.example.com/genesys"));
        Assert.Contains("user name or password", ex.Message);
        Assert.DoesNotContain("s3cret", ex.Message);
    }

    [Fact]
    public void A_retry_budget_under_a_second_is_refused_as_a_likely_tick_count_but_zero_is_allowed()
    {
        var policy = new PureCloudLicense.Api.Http.RetryPolicy();
        var ex = Assert.Throws<ArgumentOutOfRangeException>(() => policy.Budget = TimeSpan.FromTicks(600));
        Assert.Contains("ticks", ex.Message);
        policy.Budget = TimeSpan.Zero;
        Assert.Equal(TimeSpan.Zero, policy.Budget);
        policy.Budget = TimeSpan.FromSeconds(1);
        Assert.Equal(TimeSpan.FromSeconds(1), policy.Budget);
    }

    [Theory]
    [InlineData("{\"access_token\":\"abc.def\",\"expires_in\":86400}", "abc.def")]
    [InlineData("grant_type=client_credentials&client_secret=s3cr3t", "s3cr3t")]
    [InlineData("Authorization: Bearer eyJhbGciOi.x.y", "eyJhbGciOi.x.y")]
    [InlineData("Basic Y2xpZW50OnNlY3JldA==", "Y2xpZW50OnNlY3JldA==")]
    public void Secrets_are_redacted(string text, string secret)
    {
        var redacted = SecretRedactor.Redact(text);
        Assert.DoesNotContain(secret, redacted);
        Assert.Contains("***", redacted);
    }

    [Fact]
    public void Batching_chunks_without_losing_items()
    {
        var chunks = Batching.Chunk(Enumerable.Range(1, 250), 100).ToList();
        Assert.Equal(new[] { 100, 100, 50 }, chunks.Select(c => c.Count));
        Assert.Equal(Enumerable.Range(1, 250), chunks.SelectMany(c => c));
    }
}
