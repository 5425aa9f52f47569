using Microsoft.Extensions.Time.Testing;
using TokenPortal.Core.Configuration;
using TokenPortal.Core.Keys;
using TokenPortal.Core.RateLimiting;

namespace TokenPortal.Tests.RateLimiting;

/// <summary><c>Defaults:MaxKeyRpm</c> and <c>MaxKeyTpm</c> bound every key at request time, even one minted before a cap was lowered.</summary>
public sealed class OperatorCapsTests
{
    private static UsageLimits Limits(int? maxRpm, int? maxTpm, FakeTimeProvider clock) => new(
        new GcraRateLimiter(clock), new InMemoryConcurrencyLimiter(clock),
        new TestOptionsMonitor<TokenPortalOptions>(new TokenPortalOptions { Defaults = { MaxKeyRpm = maxRpm, MaxKeyTpm = maxTpm, UserMaxConcurrent = 100 } }));

    private static AuthenticatedKey Key(int? rpm, int? tpm = null, int? userDefaultRpm = null) =>
        new(1, "u", "sk-tp-abc", null, null, rpm, tpm, null, UserDefaultRpm: userDefaultRpm);

    [Theory]
    [InlineData(1_000_000, null)]
    [InlineData(null, 1_000_000)]
    [InlineData(null, null)]
    public async Task AKeyAskingForMoreThanTheCap_GetsTheCap(int? keyRpm, int? userDefaultRpm)
    {
        var limits = Limits(maxRpm: 3, maxTpm: null, new FakeTimeProvider());
        var key = Key(keyRpm, userDefaultRpm: userDefaultRpm);

        var admitted = 0;
        for (var i = 0; i < 5; i++)
        {
            var admission = await limits.AdmitAsync(key);
            if (admission.Error is null && await admission.TakeTokensAsync(10) is null)
                admitted++;
            await admission.CompleteAsync(10, forwarded: true);
        }

        Assert.Equal(3, admitted);
    }

    [Fact]
    public async Task TokensPerMinute_AreCappedToo()
    {
        var limits = Limits(maxRpm: null, maxTpm: 100, new FakeTimeProvider());

        var first = await limits.AdmitAsync(Key(rpm: null, tpm: 1_000_000));
        var second = await limits.AdmitAsync(Key(rpm: null, tpm: 1_000_000));

        Assert.Null(await first.TakeTokensAsync(80));
        Assert.Equal(429, (await second.TakeTokensAsync(80))!.Status);
    }
}
