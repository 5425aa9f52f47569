namespace TokenPortal.Core.RateLimiting;

/// <summary>The answer of a rate limiter, with what the <c>x-ratelimit-*</c> headers report.</summary>
/// <param name="Delay">Admitted, but only after this wait (a queued upstream slot); zero otherwise.</param>
/// <param name="RetryAfter">When refused, the wait after which the same request is admitted; null when it never can be.</param>
public readonly record struct RateDecision(
    bool Allowed,
    long Limit,
    long Remaining,
    TimeSpan ResetAfter,
    TimeSpan Delay,
    TimeSpan? RetryAfter);
