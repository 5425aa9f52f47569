using System.Collections.Concurrent;
using StackExchange.Redis;
using TokenPortal.Core.Configuration;

namespace TokenPortal.Core.RateLimiting.Redis;

/// <summary>
/// In-flight slots shared by every instance: a Redis sorted set per user whose members are slots (owner instance and a
/// number) scored by when they expire. This instance renews its own slots every third of their lifetime while their
/// requests run; an instance that dies stops renewing, and its slots lapse (<c>Redis:InFlightSlotSeconds</c>) instead
/// of blocking the user for good. While Redis does not answer: per instance or refused, as <c>Redis:WhenDown</c> says.
/// </summary>
public sealed class RedisConcurrencyLimiter : IConcurrencyLimiter, IDisposable
{
    private const string KeyPrefix = "tp:inflight:";
    private const string Local = "";

    // Drops lapsed slots, then takes one if fewer than @max are left.
    private static readonly LuaScript Enter = LuaScript.Prepare("""
        local t = redis.call('TIME')
        local now = t[1] * 1000 + math.floor(t[2] / 1000)
        redis.call('ZREMRANGEBYSCORE', @key, '-inf', now)
        if redis.call('ZCARD', @key) >= tonumber(@max) then return 0 end
        redis.call('ZADD', @key, now + tonumber(@lifetime), @slot)
        redis.call('PEXPIRE', @key, tonumber(@lifetime))
        return 1
        """);

    private static readonly LuaScript Renew = LuaScript.Prepare("""
        local t = redis.call('TIME')
        local now = t[1] * 1000 + math.floor(t[2] / 1000)
        redis.call('ZADD', @key, 'XX', now + tonumber(@lifetime), @slot)
        redis.call('PEXPIRE', @key, tonumber(@lifetime))
        return 1
        """);

    private readonly RedisConnection _redis;
    private readonly InMemoryConcurrencyLimiter _local;
    private readonly long _lifetimeMs;
    private readonly ITimer _renewer;
    // This instance's slots per key; the empty string marks one taken locally while Redis was away.
    private readonly ConcurrentDictionary<string, ConcurrentStack<string>> _mine = new(StringComparer.Ordinal);
    private long _next;

    public RedisConcurrencyLimiter(RedisConnection redis, InMemoryConcurrencyLimiter local, TimeProvider clock)
    {
        _redis = redis;
        _local = local;
        var lifetime = TimeSpan.FromSeconds(redis.Settings.InFlightSlotSeconds);
        _lifetimeMs = (long)lifetime.TotalMilliseconds;
        _renewer = clock.CreateTimer(_ => _ = RenewAsync(), null, lifetime / 3, lifetime / 3);
    }

    public async ValueTask<bool> TryEnterAsync(string key, int maxInFlight)
    {
        var slot = $"{_redis.InstanceId}:{Interlocked.Increment(ref _next)}";
        try
        {
            var entered = (long)await _redis.Database.ScriptEvaluateAsync(Enter, new { key = (RedisKey)(KeyPrefix + key), max = maxInFlight, lifetime = _lifetimeMs, slot }) == 1;
            if (entered)
                _mine.GetOrAdd(key, static _ => new ConcurrentStack<string>()).Push(slot);
            return entered;
        }
        catch (Exception ex) when (RedisConnection.IsOutage(ex))
        {
            if (_redis.WhenDown != RedisWhenDown.PerInstance)
                throw new LimitsUnavailableException(ex);
            var entered = await _local.TryEnterAsync(key, maxInFlight);
            if (entered)
                _mine.GetOrAdd(key, static _ => new ConcurrentStack<string>()).Push(Local);
            return entered;
        }
    }

    public async ValueTask ExitAsync(string key)
    {
        if (!_mine.TryGetValue(key, out var slots) || !slots.TryPop(out var slot))
            return;
        if (slot == Local)
        {
            await _local.ExitAsync(key);
            return;
        }
        try
        {
            await _redis.Database.SortedSetRemoveAsync(KeyPrefix + key, slot);
        }
        catch (Exception ex) when (RedisConnection.IsOutage(ex))
        {
            // Not renewed any more: the slot lapses on its own.
        }
    }

    /// <summary>This instance's slots for the key (the whole picture lives in Redis).</summary>
    public int InFlight(string key) => _mine.TryGetValue(key, out var slots) ? slots.Count(s => s != Local) + _local.InFlight(key) : 0;

    public void Dispose() => _renewer.Dispose();

    private async Task RenewAsync()
    {
        foreach (var (key, slots) in _mine)
        {
            foreach (var slot in slots)
            {
                if (slot == Local)
                    continue;
                try
                {
                    await _redis.Database.ScriptEvaluateAsync(Renew, new { key = (RedisKey)(KeyPrefix + key), lifetime = _lifetimeMs, slot });
                }
                catch (Exception ex) when (RedisConnection.IsOutage(ex))
                {
                    return;
                }
            }
        }
    }
}
