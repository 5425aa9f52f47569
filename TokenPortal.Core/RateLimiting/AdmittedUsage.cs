namespace TokenPortal.Core.RateLimiting;

/// <summary>What an admission took from which limiter, so that completing it can give the right amounts back.</summary>
internal sealed record AdmittedUsage(
    LimiterKeys Keys,
    RateLimit? RequestLimit,
    RateDecision? Requests,
    RateLimit? TokenLimit,
    RateDecision? Tokens,
    long ReservedTokens,
    bool RefusedForTokens = false);
