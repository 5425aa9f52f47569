namespace TokenPortal.Core.RateLimiting;

/// <summary>Counts requests in flight per key; a shared store (Redis) can implement it.</summary>
public interface IConcurrencyLimiter
{
    ValueTask<bool> TryEnterAsync(string key, int maxInFlight);

    ValueTask ExitAsync(string key);

    /// <summary>How many are in flight now (for tests and dashboards).</summary>
    int InFlight(string key);
}
