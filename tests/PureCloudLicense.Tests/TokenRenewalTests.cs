using System;
using System.Threading;
using System.Threading.Tasks;
using PureCloudLicense.Api.Auth;
using Xunit;

namespace PureCloudLicense.Tests;

/// <summary>Slow by nature (it waits out most of a token's life), so in a class of its own that runs beside the others.</summary>
public sealed class TokenRenewalTests
{
    [Fact]
    public async Task A_failed_early_renewal_falls_back_to_the_token_that_is_still_valid()
    {
        // Lifetime 20 s: renewal is due after 18 s, the token expires after 20 s; the call lands in between.
        await using var emulator = await Emulator.StartAsync(o => o.TokenLifetimeSeconds = 20);
        using var client = emulator.Client(configure: o => o.Retry.Budget = TimeSpan.Zero);
        await client.GetDefinitionsAsync(CancellationToken.None);
        await emulator.SetFaultsAsync(new { rules = new[] { new { path = "/oauth/token", status = 503 } } });

        await Task.Delay(TimeSpan.FromSeconds(18.4));
        var definitions = await client.GetDefinitionsAsync(CancellationToken.None);

        Assert.NotEmpty(definitions);
        Assert.Equal(1, ((ClientCredentialsTokenProvider)client.Tokens).TokensAcquired);
        Assert.True(await emulator.RouteCountAsync("POST /oauth/token", 503) >= 1, "the renewal was never tried");
    }
}
