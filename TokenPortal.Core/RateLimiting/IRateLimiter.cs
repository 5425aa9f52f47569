namespace TokenPortal.Core.RateLimiting;

/// <summary>
/// Counts units (requests, tokens) against per-key limits. O(1) per call, safe under concurrency;
/// a shared store (Redis) can implement it for more than one instance.
/// </summary>
public interface IRateLimiter
{
    /// <summary>Takes <paramref name="units"/> if the limit allows, waiting at most <paramref name="maxDelay"/> for room.</summary>
    ValueTask<RateDecision> AcquireAsync(string key, RateLimit limit, long units, TimeSpan maxDelay = default);

    /// <summary>Gives units back (positive) or takes more (negative), e.g. to correct a token estimate to the actual count.</summary>
    ValueTask AdjustAsync(string key, RateLimit limit, long unitsReturned);
}
