namespace TokenPortal.Core.Usage;

/// <summary>
/// Latencies grouped in quarter-octave buckets (each about 19% wide), so p50 and p95 over any range
/// come from summed counts rather than from sorting millions of log rows.
/// </summary>
public static class LatencyBuckets
{
    private const int PerOctave = 4;

    public static int Of(int latencyMs) => latencyMs <= 1 ? 0 : (int)Math.Floor(Math.Log2(latencyMs) * PerOctave);

    /// <summary>The bucket's geometric middle: the value a percentile falling in it is reported as.</summary>
    public static double Representative(int bucket) => Math.Pow(2, (bucket + 0.5) / PerOctave);

    /// <summary>The <paramref name="quantile"/> (0..1) of the latencies counted per bucket; null when there are none.</summary>
    public static double? Percentile(IReadOnlyDictionary<int, long> countsByBucket, double quantile)
    {
        long total = 0;
        foreach (var count in countsByBucket.Values)
            total += count;
        if (total == 0)
            return null;

        var rank = (long)Math.Ceiling(quantile * total);
        long seen = 0;
        foreach (var (bucket, count) in countsByBucket.OrderBy(b => b.Key))
        {
            seen += count;
            if (seen >= rank)
                return Representative(bucket);
        }
        return Representative(countsByBucket.Keys.Max());
    }
}
