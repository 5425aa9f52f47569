using TokenPortal.Core.Data.Entities;

namespace TokenPortal.Core.Usage;

/// <summary>Sums rollup rows, keeping latency bucket counts so percentiles can be read at the end.</summary>
internal sealed class UsageAccumulator
{
    private readonly Dictionary<int, long> _latencyBuckets = [];
    private long _requests, _errors, _prompt, _completion, _cached, _cost;

    public void Add(UsageRollup row)
    {
        _requests += row.Requests;
        _errors += row.Errors;
        _prompt += row.PromptTokens;
        _completion += row.CompletionTokens;
        _cached += row.CachedTokens;
        _cost += row.CostMicros;
        _latencyBuckets[row.LatencyBucket] = _latencyBuckets.GetValueOrDefault(row.LatencyBucket) + row.Requests;
    }

    public UsageTotals ToTotals() => new(_requests, _errors, _prompt, _completion, _cached, _cost,
        LatencyBuckets.Percentile(_latencyBuckets, 0.50), LatencyBuckets.Percentile(_latencyBuckets, 0.95));
}
