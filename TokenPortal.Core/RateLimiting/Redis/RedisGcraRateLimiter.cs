using StackExchange.Redis;
using TokenPortal.Core.Configuration;

namespace TokenPortal.Core.RateLimiting.Redis;

/// <summary>
/// The same GCRA as <see cref="GcraRateLimiter"/>, kept in Redis so every instance draws from one bucket per key: one
/// Lua script per call (atomic, one round trip), on Redis's clock (instances' clocks may differ), in microseconds (Lua
/// numbers are doubles: exact to 2^53). A key lives only until its bucket is full again.
/// While Redis does not answer: per instance or refused, as <c>Redis:WhenDown</c> says.
/// </summary>
public sealed class RedisGcraRateLimiter(RedisConnection redis, GcraRateLimiter local) : IRateLimiter
{
    private const string KeyPrefix = "tp:rate:";

    // Cost, tolerance and max delay in µs; @overBurst is 1 when the units exceed the burst. Returns allowed, time used (µs), over (µs).
    private static readonly LuaScript Acquire = LuaScript.Prepare("""
        local t = redis.call('TIME')
        local now = t[1] * 1000000 + t[2]
        local tat = tonumber(redis.call('GET', @key) or '0')
        local start = math.max(tat, now)
        local nxt = start + tonumber(@cost)
        local over = nxt - now - tonumber(@tolerance)
        if @overBurst == '1' or over > tonumber(@maxDelay) then
          return {0, start - now, over}
        end
        redis.call('SET', @key, string.format('%.0f', nxt), 'PX', math.floor((nxt - now) / 1000) + 1)
        return {1, nxt - now, math.max(0, over)}
        """);

    // Moves the bucket back by @delta µs (forward when negative), never to before now.
    private static readonly LuaScript Adjust = LuaScript.Prepare("""
        local tat = tonumber(redis.call('GET', @key))
        if not tat then return 0 end
        local t = redis.call('TIME')
        local now = t[1] * 1000000 + t[2]
        local nxt = math.max(tat - tonumber(@delta), math.min(tat, now))
        if nxt <= now then
          redis.call('DEL', @key)
        else
          redis.call('SET', @key, string.format('%.0f', nxt), 'PX', math.floor((nxt - now) / 1000) + 1)
        end
        return 1
        """);

    public async ValueTask<RateDecision> AcquireAsync(string key, RateLimit limit, long units, TimeSpan maxDelay = default)
    {
        var tolerance = Micros(limit.TicksFor(limit.Burst));
        var perUnit = Math.Max(1, Micros(limit.TicksFor(1)));
        RedisResult[] result;
        try
        {
            result = (RedisResult[])(await redis.Database.ScriptEvaluateAsync(Acquire, new
            {
                key = (RedisKey)(KeyPrefix + key),
                cost = Micros(limit.TicksFor(units)),
                tolerance,
                maxDelay = (long)(maxDelay.Ticks / 10),
                overBurst = units > limit.Burst ? "1" : "0",
            }))!;
        }
        catch (Exception ex) when (RedisConnection.IsOutage(ex))
        {
            return redis.WhenDown == RedisWhenDown.PerInstance ? await local.AcquireAsync(key, limit, units, maxDelay) : throw new LimitsUnavailableException(ex);
        }

        var allowed = (long)result[0] == 1;
        var used = Math.Max(0, (long)result[1]);
        var over = (long)result[2];
        var remaining = Math.Clamp((tolerance - used) / perUnit, 0, limit.Burst);
        TimeSpan? retryAfter = allowed || units > limit.Burst ? null : TimeSpan.FromTicks(over * 10);
        return new RateDecision(allowed, limit.Limit, remaining, TimeSpan.FromTicks(used * 10), allowed ? TimeSpan.FromTicks(over * 10) : TimeSpan.Zero, retryAfter);
    }

    public async ValueTask AdjustAsync(string key, RateLimit limit, long unitsReturned)
    {
        if (unitsReturned == 0)
            return;
        var delta = Micros(limit.TicksFor(Math.Abs(unitsReturned))) * Math.Sign(unitsReturned);
        try
        {
            await redis.Database.ScriptEvaluateAsync(Adjust, new { key = (RedisKey)(KeyPrefix + key), delta });
        }
        catch (Exception ex) when (RedisConnection.IsOutage(ex))
        {
            // A correction lost to an outage only errs one way per key (a request counted, tokens not given back); never fail the request for it.
            await local.AdjustAsync(key, limit, unitsReturned);
        }
    }

    private static long Micros(long ticks) => (ticks + 9) / 10;
}
