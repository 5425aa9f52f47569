using Microsoft.Extensions.Time.Testing;
using TokenPortal.Core.RateLimiting;

namespace TokenPortal.Tests.RateLimiting;

public sealed class InMemoryConcurrencyLimiterTests
{
    [Fact]
    public async Task TryEnter_ParallelCallersGetExactlyTheCap()
    {
        using var limiter = new InMemoryConcurrencyLimiter(new FakeTimeProvider());
        using var start = new ManualResetEventSlim();

        var entered = await Task.WhenAll(Enumerable.Range(0, 64).Select(_ => Task.Run(async () =>
        {
            start.Wait();
            return await limiter.TryEnterAsync("user", 10);
        })).Append(Task.Run(() => { start.Set(); return false; })));

        Assert.Equal(10, entered.Count(e => e));
        Assert.Equal(10, limiter.InFlight("user"));
        await limiter.ExitAsync("user");
        Assert.True(await limiter.TryEnterAsync("user", 10));
    }

    [Fact]
    public async Task Sweep_DropsIdleKeysOnlyAndTheSweptKeyStillWorks()
    {
        var clock = new FakeTimeProvider();
        using var limiter = new InMemoryConcurrencyLimiter(clock);
        await limiter.TryEnterAsync("busy", 1);
        await limiter.TryEnterAsync("idle", 1);
        await limiter.ExitAsync("idle");

        clock.Advance(TimeSpan.FromMinutes(1));

        Assert.Equal(1, limiter.TrackedKeys);
        Assert.Equal(1, limiter.InFlight("busy"));
        Assert.True(await limiter.TryEnterAsync("idle", 1));
    }
}
