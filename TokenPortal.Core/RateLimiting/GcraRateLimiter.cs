using System.Collections.Concurrent;

namespace TokenPortal.Core.RateLimiting;

/// <summary>
/// In-process GCRA (the generic cell rate algorithm): each key is one "theoretical arrival time",
/// advanced by compare-and-swap, so admission is O(1) with no lock. Equivalent to a token bucket of
/// <see cref="RateLimit.Burst"/> refilling continuously. Keys whose bucket is full again are
/// dropped by a periodic sweep, so memory follows the active keys only.
/// </summary>
public sealed class GcraRateLimiter : IRateLimiter, IDisposable
{
    private const long Dead = long.MinValue;
    private static readonly TimeSpan SweepInterval = TimeSpan.FromMinutes(1);

    private readonly ConcurrentDictionary<string, Cell> _cells = new(StringComparer.Ordinal);
    private readonly TimeProvider _clock;
    private readonly ITimer _sweeper;

    public GcraRateLimiter(TimeProvider clock)
    {
        _clock = clock;
        _sweeper = clock.CreateTimer(_ => Sweep(), null, SweepInterval, SweepInterval);
    }

    public int TrackedKeys => _cells.Count;

    public ValueTask<RateDecision> AcquireAsync(string key, RateLimit limit, long units, TimeSpan maxDelay = default)
    {
        var now = _clock.GetUtcNow().UtcTicks;
        var tolerance = limit.TicksFor(limit.Burst);
        var cost = limit.TicksFor(units);
        while (true)
        {
            var cell = _cells.GetOrAdd(key, static _ => new Cell());
            var tat = Volatile.Read(ref cell.Tat);
            if (tat == Dead)
            {
                _cells.TryRemove(new KeyValuePair<string, Cell>(key, cell));
                continue;
            }

            var start = Math.Max(tat, now);
            var next = start + cost;
            var over = next - now - tolerance;
            if (units > limit.Burst || over > maxDelay.Ticks)
            {
                TimeSpan? retry = units > limit.Burst ? null : TimeSpan.FromTicks(over);
                return ValueTask.FromResult(Decision(false, limit, now, start, tolerance, TimeSpan.Zero, retry));
            }
            if (Interlocked.CompareExchange(ref cell.Tat, next, tat) == tat)
                return ValueTask.FromResult(Decision(true, limit, now, next, tolerance, TimeSpan.FromTicks(Math.Max(0, over)), null));
        }
    }

    public ValueTask AdjustAsync(string key, RateLimit limit, long unitsReturned)
    {
        if (unitsReturned == 0 || !_cells.TryGetValue(key, out var cell))
            return ValueTask.CompletedTask;
        var delta = limit.TicksFor(Math.Abs(unitsReturned)) * Math.Sign(unitsReturned);
        while (true)
        {
            var tat = Volatile.Read(ref cell.Tat);
            if (tat == Dead)
                return ValueTask.CompletedTask;
            // Returning units cannot make the bucket fuller than full: never before now.
            var next = Math.Max(tat - delta, Math.Min(tat, _clock.GetUtcNow().UtcTicks));
            if (Interlocked.CompareExchange(ref cell.Tat, next, tat) == tat)
                return ValueTask.CompletedTask;
        }
    }

    public void Dispose() => _sweeper.Dispose();

    internal void Sweep()
    {
        var now = _clock.GetUtcNow().UtcTicks;
        foreach (var (key, cell) in _cells)
        {
            var tat = Volatile.Read(ref cell.Tat);
            if (tat <= now && tat != Dead && Interlocked.CompareExchange(ref cell.Tat, Dead, tat) == tat)
                _cells.TryRemove(new KeyValuePair<string, Cell>(key, cell));
        }
    }

    private static RateDecision Decision(bool allowed, RateLimit limit, long now, long tat, long tolerance, TimeSpan delay, TimeSpan? retryAfter)
    {
        var used = Math.Max(0, tat - now);
        var remaining = Math.Clamp((tolerance - used) / Math.Max(1, limit.TicksFor(1)), 0, limit.Burst);
        return new RateDecision(allowed, limit.Limit, remaining, TimeSpan.FromTicks(used), delay, retryAfter);
    }

    private sealed class Cell
    {
        public long Tat = long.MinValue + 1;
    }
}
