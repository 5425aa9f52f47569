namespace TokenPortal.Core.Usage;

/// <summary>Totals over some requests; latency percentiles in milliseconds, null when there were none.</summary>
public sealed record UsageTotals(
    long Requests,
    long Errors,
    long PromptTokens,
    long CompletionTokens,
    long CachedTokens,
    long CostMicros,
    double? P50LatencyMs,
    double? P95LatencyMs)
{
    public static readonly UsageTotals Empty = new(0, 0, 0, 0, 0, 0, null, null);

    public long TotalTokens => PromptTokens + CompletionTokens;
}
