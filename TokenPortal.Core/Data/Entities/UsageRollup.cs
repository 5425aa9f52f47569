namespace TokenPortal.Core.Data.Entities;

/// <summary>
/// Request-log totals per user, period (hour and day), key, model and latency bucket, kept beside the log in
/// the same transaction so dashboards read thousands of rows instead of millions. Every log row is counted
/// once in its hour and once in its day.
/// </summary>
public sealed class UsageRollup
{
    public required string UserId { get; set; }

    public RollupPeriod Period { get; set; }

    /// <summary>The start of the UTC hour or day.</summary>
    public DateTimeOffset PeriodStart { get; set; }

    public long ApiKeyId { get; set; }

    public required string Model { get; set; }

    /// <summary>Quarter-octave latency bucket (<see cref="Usage.LatencyBuckets"/>): percentiles come from these counts.</summary>
    public int LatencyBucket { get; set; }

    public long Requests { get; set; }

    public long Errors { get; set; }

    public long PromptTokens { get; set; }

    public long CompletionTokens { get; set; }

    public long CachedTokens { get; set; }

    public long CostMicros { get; set; }
}
