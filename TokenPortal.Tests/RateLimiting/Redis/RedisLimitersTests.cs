using Microsoft.Extensions.Logging.Abstractions;
using TokenPortal.Core.Configuration;
using TokenPortal.Core.RateLimiting;
using TokenPortal.Core.RateLimiting.Redis;

namespace TokenPortal.Tests.RateLimiting.Redis;

/// <summary>One redis-server for the class.</summary>
public sealed class RedisServerFixture : IAsyncLifetime
{
    public RedisServer Server { get; private set; } = null!;

    public async Task InitializeAsync() => Server = await RedisServer.StartAsync();

    public async Task DisposeAsync() => await Server.DisposeAsync();
}

/// <summary>
/// Two instances of the gateway, as two connections to one real Redis: they draw from one bucket per key and one set of
/// in-flight slots per user, and a dead instance's slots come back by themselves.
/// </summary>
public sealed class RedisLimitersTests(RedisServerFixture redis) : IClassFixture<RedisServerFixture>
{
    private RedisConnection Instance(int slotSeconds = 60) => new(
        new RedisOptions { Configuration = redis.Server.Configuration, InFlightSlotSeconds = slotSeconds }, NullLogger<RedisConnection>.Instance);

    private static RedisGcraRateLimiter Rates(RedisConnection connection) => new(connection, new GcraRateLimiter(TimeProvider.System));

    private static RedisConcurrencyLimiter Slots(RedisConnection connection) => new(connection, new InMemoryConcurrencyLimiter(TimeProvider.System), TimeProvider.System);

    [Fact]
    public async Task TwoInstances_ShareOneBucket_ExactlyTheLimitAcrossBoth()
    {
        using var a = Instance();
        using var b = Instance();
        var key = "rpm:" + Guid.NewGuid().ToString("N");
        var limit = RateLimit.PerMinute(10);

        var decisions = await Task.WhenAll(Enumerable.Range(0, 30).Select(i => Rates(i % 2 == 0 ? a : b).AcquireAsync(key, limit, 1).AsTask()));

        Assert.Equal(10, decisions.Count(d => d.Allowed));
        var refused = decisions.First(d => !d.Allowed);
        Assert.InRange(refused.RetryAfter!.Value, TimeSpan.FromSeconds(5), TimeSpan.FromSeconds(6.1));
        Assert.Equal(0, refused.Remaining);
    }

    [Fact]
    public async Task TheGlobalUpstreamRpm_PacesBothInstancesTogether()
    {
        using var a = Instance();
        using var b = Instance();
        // One request a second to all providers together, and no waiting for a slot: the second is refused wherever it goes.
        var options = new TestOptionsMonitor<TokenPortalOptions>(new() { GlobalLimits = { UpstreamRpm = 60, UpstreamMaxWaitMilliseconds = 0 } });
        var provider = new Core.Catalog.CatalogProvider(1, $"p-{Guid.NewGuid():N}", ProviderKind.OpenAI, new Uri("http://127.0.0.1:9/"), [], TimeSpan.FromSeconds(5));

        Assert.Null(await new UpstreamThrottle(Rates(a), options, TimeProvider.System).WaitForSlotAsync(provider, CancellationToken.None));
        var refused = await new UpstreamThrottle(Rates(b), options, TimeProvider.System).WaitForSlotAsync(provider, CancellationToken.None);

        Assert.NotNull(refused);
        Assert.Contains("60 upstream requests per minute", refused.Message);
    }

    [Fact]
    public async Task GivingUnitsBack_MakesRoomOnTheOtherInstance_AndABurstTooBigIsNeverAllowed()
    {
        using var a = Instance();
        using var b = Instance();
        var key = "tpm:" + Guid.NewGuid().ToString("N");
        var limit = RateLimit.PerMinute(1000);

        Assert.True((await Rates(a).AcquireAsync(key, limit, 900)).Allowed);
        Assert.False((await Rates(b).AcquireAsync(key, limit, 500)).Allowed);
        await Rates(a).AdjustAsync(key, limit, 800); // the request used 100 tokens, not 900
        Assert.True((await Rates(b).AcquireAsync(key, limit, 500)).Allowed);

        var tooBig = await Rates(b).AcquireAsync("tpm:" + Guid.NewGuid().ToString("N"), limit, 1001);
        Assert.False(tooBig.Allowed);
        Assert.Null(tooBig.RetryAfter);
    }

    [Fact]
    public async Task InFlightSlots_AreSharedByInstances_AndADeadInstancesSlotsLapse()
    {
        using var a = Instance(slotSeconds: 3);
        using var b = Instance(slotSeconds: 3);
        var user = "inflight:" + Guid.NewGuid().ToString("N");
        var first = Slots(a);
        var second = Slots(b);

        Assert.True(await first.TryEnterAsync(user, 3));
        Assert.True(await first.TryEnterAsync(user, 3));
        Assert.True(await second.TryEnterAsync(user, 3));
        Assert.False(await second.TryEnterAsync(user, 3));
        await first.ExitAsync(user);
        Assert.True(await second.TryEnterAsync(user, 3));

        // The first instance dies holding a slot: nobody exits or renews it.
        first.Dispose();
        Assert.False(await second.TryEnterAsync(user, 3));
        await Task.Delay(TimeSpan.FromSeconds(3.5));
        Assert.True(await second.TryEnterAsync(user, 3));
        // ...while the living instance's own slots, renewed, are still held: 3 of 3.
        Assert.False(await second.TryEnterAsync(user, 3));
        second.Dispose();
    }

    [Fact]
    public async Task AChangeAnnouncedByOneProcess_ReachesTheOthersWithinASecond_NotItself()
    {
        using var a = Instance();
        using var b = Instance();
        var feedA = new RedisChangeFeed(a, NullLogger<RedisChangeFeed>.Instance);
        var feedB = new RedisChangeFeed(b, NullLogger<RedisChangeFeed>.Instance);
        var heardByB = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var heardByA = 0;
        await feedB.ListenAsync(() => { heardByB.TrySetResult(); return Task.CompletedTask; });
        await feedA.ListenAsync(() => { Interlocked.Increment(ref heardByA); return Task.CompletedTask; });

        feedA.Announce();

        await heardByB.Task.WaitAsync(TimeSpan.FromSeconds(1));
        await Task.Delay(200);
        Assert.Equal(0, heardByA);
    }
}
