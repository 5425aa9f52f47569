using Microsoft.Extensions.Logging;
using StackExchange.Redis;
using TokenPortal.Core.Configuration;
using TokenPortal.Core.RateLimiting.Redis;

namespace TokenPortal.Tests.RateLimiting.Redis;

/// <summary>
/// A limits call that fails while the connection says Redis is up is logged with Redis's own words (at most every ten
/// seconds), so an operator whose <c>/readyz</c> says ready can see why requests get 503 <c>rate_limit_unavailable</c>.
/// </summary>
public sealed class RedisConnectionTests(RedisServerFixture redis) : IClassFixture<RedisServerFixture>
{
    // Keeps Redis busy for 1.5 s: longer than the connection's 1 s timeout, so the call fails while connected.
    private const string Spin = "local t = redis.call('TIME'); local stop = t[1] * 1000000 + t[2] + 1500000; " +
                                "repeat t = redis.call('TIME') until t[1] * 1000000 + t[2] >= stop; return 1";

    [Fact]
    public async Task ACallThatTimesOutWhileConnected_IsAnOutage_LoggedOnceInTenSeconds()
    {
        var logs = new CapturedLogs();
        using var factory = LoggerFactory.Create(builder => builder.AddProvider(logs));
        using var connection = new RedisConnection(new RedisOptions { Configuration = redis.Server.Configuration }, factory.CreateLogger<RedisConnection>());

        var outages = new List<bool>();
        for (var i = 0; i < 2; i++)
        {
            var failed = await Assert.ThrowsAsync<RedisTimeoutException>(() => connection.Database.ScriptEvaluateAsync(Spin));
            outages.Add(connection.IsOutageOfACall(failed));
            await Task.Delay(600); // the spin ends; the connection is up again for the next call
        }

        Assert.Equal([true, true], outages);
        Assert.True(connection.IsConnected);
        var warning = Assert.Single(logs.Entries, e => e.Level == LogLevel.Warning);
        Assert.Contains("Redis is connected, yet a limits call failed", warning.Message);
        Assert.False(connection.IsOutageOfACall(new InvalidOperationException("a bug, not an outage")));
    }
}
