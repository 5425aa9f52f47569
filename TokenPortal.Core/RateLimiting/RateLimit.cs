namespace TokenPortal.Core.RateLimiting;

/// <summary>
/// <paramref name="Limit"/> units per <paramref name="Window"/>, of which up to <paramref name="Burst"/> may be
/// taken at once (a bucket of <paramref name="Burst"/> refilling at Limit per Window).
/// </summary>
public readonly record struct RateLimit(long Limit, TimeSpan Window, long Burst)
{
    public static RateLimit PerMinute(long limit) => new(limit, TimeSpan.FromMinutes(1), limit);

    /// <summary>Evenly spaced, no burst: for protecting an upstream account's hard per-minute limit.</summary>
    public static RateLimit PacedPerMinute(long limit) => new(limit, TimeSpan.FromMinutes(1), 1);

    /// <summary>The share of the window that <paramref name="units"/> take, rounded up to the tick.</summary>
    internal long TicksFor(long units)
    {
        var scaled = (Int128)Window.Ticks * units;
        var ticks = scaled / Limit;
        return (long)(scaled % Limit == 0 ? ticks : ticks + 1);
    }
}
