using System.Collections.Concurrent;

namespace TokenPortal.Core.RateLimiting;

/// <summary>Requests in flight per key, counted with compare-and-swap; idle keys are swept away.</summary>
public sealed class InMemoryConcurrencyLimiter : IConcurrencyLimiter, IDisposable
{
    private const int Dead = -1;
    private static readonly TimeSpan SweepInterval = TimeSpan.FromMinutes(1);

    private readonly ConcurrentDictionary<string, Counter> _counters = new(StringComparer.Ordinal);
    private readonly ITimer _sweeper;

    public InMemoryConcurrencyLimiter(TimeProvider clock) =>
        _sweeper = clock.CreateTimer(_ => Sweep(), null, SweepInterval, SweepInterval);

    public int TrackedKeys => _counters.Count;

    public ValueTask<bool> TryEnterAsync(string key, int maxInFlight)
    {
        while (true)
        {
            var counter = _counters.GetOrAdd(key, static _ => new Counter());
            var value = Volatile.Read(ref counter.Value);
            if (value == Dead)
            {
                _counters.TryRemove(new KeyValuePair<string, Counter>(key, counter));
                continue;
            }
            if (value >= maxInFlight)
                return ValueTask.FromResult(false);
            if (Interlocked.CompareExchange(ref counter.Value, value + 1, value) == value)
                return ValueTask.FromResult(true);
        }
    }

    public ValueTask ExitAsync(string key)
    {
        // Entered keys are never swept (their count is above zero), so the counter is still there.
        if (_counters.TryGetValue(key, out var counter))
            Interlocked.Decrement(ref counter.Value);
        return ValueTask.CompletedTask;
    }

    public int InFlight(string key) => _counters.TryGetValue(key, out var counter) ? Math.Max(0, Volatile.Read(ref counter.Value)) : 0;

    public void Dispose() => _sweeper.Dispose();

    internal void Sweep()
    {
        foreach (var (key, counter) in _counters)
        {
            if (Interlocked.CompareExchange(ref counter.Value, Dead, 0) == 0)
                _counters.TryRemove(new KeyValuePair<string, Counter>(key, counter));
        }
    }

    private sealed class Counter
    {
        public int Value;
    }
}
