namespace TokenPortal.Core.RateLimiting;

/// <summary>The shared limits (Redis) cannot be counted and the site refuses to serve without them.</summary>
public sealed class LimitsUnavailableException(Exception inner)
    : Exception("The rate limits are kept in Redis, which does not answer.", inner);
