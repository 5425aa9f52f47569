using Microsoft.Extensions.Time.Testing;
using TokenPortal.Core.RateLimiting;

namespace TokenPortal.Tests.RateLimiting;

public sealed class GcraRateLimiterTests : IDisposable
{
    private readonly FakeTimeProvider _clock = new(new DateTimeOffset(2026, 11, 22, 12, 0, 0, TimeSpan.Zero));
    private readonly GcraRateLimiter _limiter;

    public GcraRateLimiterTests() => _limiter = new GcraRateLimiter(_clock);

    public void Dispose() => _limiter.Dispose();

    [Fact]
    public async Task Acquire_AllowsTheLimitAtOnceThenRefusesWithAnExactRetryAfter()
    {
        var limit = RateLimit.PerMinute(6); // one every 10 s, six at once

        for (var i = 0; i < 6; i++)
        {
            var decision = await _limiter.AcquireAsync("k", limit, 1);
            Assert.True(decision.Allowed);
            Assert.Equal(5 - i, decision.Remaining);
        }
        var refused = await _limiter.AcquireAsync("k", limit, 1);

        Assert.False(refused.Allowed);
        Assert.Equal(TimeSpan.FromSeconds(10), refused.RetryAfter);
        _clock.Advance(TimeSpan.FromSeconds(9.9));
        Assert.False((await _limiter.AcquireAsync("k", limit, 1)).Allowed);
        _clock.Advance(TimeSpan.FromSeconds(0.1));
        Assert.True((await _limiter.AcquireAsync("k", limit, 1)).Allowed);
    }

    [Fact]
    public async Task Acquire_RefillsContinuouslyAndResetReportsTimeUntilFull()
    {
        var limit = RateLimit.PerMinute(60);
        for (var i = 0; i < 30; i++)
            await _limiter.AcquireAsync("k", limit, 1);

        _clock.Advance(TimeSpan.FromSeconds(10));
        var decision = await _limiter.AcquireAsync("k", limit, 1);

        Assert.Equal(39, decision.Remaining); // 30 left + 10 refilled - 1 taken
        Assert.Equal(TimeSpan.FromSeconds(21), decision.ResetAfter);
    }

    [Fact]
    public async Task Acquire_KeysAreIndependent()
    {
        var limit = RateLimit.PerMinute(1);

        Assert.True((await _limiter.AcquireAsync("a", limit, 1)).Allowed);
        Assert.True((await _limiter.AcquireAsync("b", limit, 1)).Allowed);
        Assert.False((await _limiter.AcquireAsync("a", limit, 1)).Allowed);
    }

    [Fact]
    public async Task Acquire_TokensCountByWeightAndAnOversizeRequestCanNeverPass()
    {
        var limit = RateLimit.PerMinute(1_000);

        Assert.True((await _limiter.AcquireAsync("t", limit, 700)).Allowed);
        var refused = await _limiter.AcquireAsync("t", limit, 400);
        var oversize = await _limiter.AcquireAsync("t2", limit, 1_001);

        Assert.False(refused.Allowed);
        Assert.Equal(TimeSpan.FromSeconds(6), refused.RetryAfter); // 100 tokens at 1,000 per minute
        Assert.False(oversize.Allowed);
        Assert.Null(oversize.RetryAfter);
    }

    [Fact]
    public async Task Adjust_CorrectsAnEstimateBothWaysButNeverPastFull()
    {
        var limit = RateLimit.PerMinute(1_000);
        await _limiter.AcquireAsync("t", limit, 800);

        await _limiter.AdjustAsync("t", limit, 750); // used 50, not 800
        Assert.True((await _limiter.AcquireAsync("t", limit, 900)).Allowed);

        await _limiter.AdjustAsync("t", limit, -100); // used 100 more than estimated
        Assert.False((await _limiter.AcquireAsync("t", limit, 100)).Allowed);

        await _limiter.AdjustAsync("t", limit, 5_000);
        Assert.Equal(1_000, (await _limiter.AcquireAsync("t", limit, 0)).Remaining);
    }

    [Fact]
    public async Task Acquire_PacedLimitQueuesWithinTheMaximumDelayAndRefusesBeyond()
    {
        var limit = RateLimit.PacedPerMinute(120); // one every 500 ms

        var first = await _limiter.AcquireAsync("u", limit, 1, TimeSpan.FromSeconds(1));
        var second = await _limiter.AcquireAsync("u", limit, 1, TimeSpan.FromSeconds(1));
        var third = await _limiter.AcquireAsync("u", limit, 1, TimeSpan.FromSeconds(1));
        var fourth = await _limiter.AcquireAsync("u", limit, 1, TimeSpan.FromSeconds(1));

        Assert.Equal(TimeSpan.Zero, first.Delay);
        Assert.Equal(TimeSpan.FromMilliseconds(500), second.Delay);
        Assert.Equal(TimeSpan.FromSeconds(1), third.Delay);
        Assert.False(fourth.Allowed);
        Assert.Equal(TimeSpan.FromMilliseconds(1500), fourth.RetryAfter);
    }

    [Fact]
    public async Task Acquire_ParallelCallersNeverGetMoreThanTheLimit()
    {
        var limit = RateLimit.PerMinute(500);

        var allowed = await Task.WhenAll(Enumerable.Range(0, 8).Select(_ => Task.Run(async () =>
        {
            var count = 0;
            for (var i = 0; i < 1_000; i++)
                count += (await _limiter.AcquireAsync("shared", limit, 1)).Allowed ? 1 : 0;
            return count;
        })));

        Assert.Equal(500, allowed.Sum());
    }

    [Fact]
    public async Task Sweep_ForgetsKeysWhoseBucketIsFullAgain()
    {
        var limit = RateLimit.PerMinute(10);
        for (var i = 0; i < 10_000; i++)
            await _limiter.AcquireAsync($"key-{i}", limit, 1);
        Assert.Equal(10_000, _limiter.TrackedKeys);

        _clock.Advance(TimeSpan.FromSeconds(3)); // not yet refilled
        _limiter.Sweep();
        Assert.Equal(10_000, _limiter.TrackedKeys);

        _clock.Advance(TimeSpan.FromMinutes(1));
        Assert.Equal(0, _limiter.TrackedKeys);
        Assert.True((await _limiter.AcquireAsync("key-1", limit, 1)).Allowed);
    }
}
