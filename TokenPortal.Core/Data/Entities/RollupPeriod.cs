namespace TokenPortal.Core.Data.Entities;

/// <summary>The span one <see cref="UsageRollup"/> row sums (UTC).</summary>
public enum RollupPeriod
{
    Hour = 0,

    /// <summary>
    /// A whole day: long ranges read about 24 times fewer rows (a 30-day dashboard reads tens of
    /// thousands rather than hundreds of thousands when latencies spread over many buckets).
    /// </summary>
    Day = 1,
}
