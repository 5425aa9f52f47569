using TokenPortal.Core.Usage;

namespace TokenPortal.Tests.Usage;

public sealed class LatencyBucketsTests
{
    [Theory]
    [InlineData(1)]
    [InlineData(7)]
    [InlineData(120)]
    [InlineData(4_000)]
    [InlineData(300_000)]
    public void Representative_IsWithinTwentyPercentOfTheLatency(int ms)
    {
        var back = LatencyBuckets.Representative(LatencyBuckets.Of(ms));
        Assert.InRange(back, ms * 0.8, ms * 1.2 + 1);
    }

    [Fact]
    public void Percentile_FromCounts_PicksTheBucketHoldingTheRank()
    {
        // 90 fast requests (~10 ms) and 10 slow (~1 s): p50 is fast, p95 is slow.
        var counts = new Dictionary<int, long> { [LatencyBuckets.Of(10)] = 90, [LatencyBuckets.Of(1000)] = 10 };
        Assert.InRange(LatencyBuckets.Percentile(counts, 0.50)!.Value, 8, 12);
        Assert.InRange(LatencyBuckets.Percentile(counts, 0.95)!.Value, 800, 1200);
        Assert.Null(LatencyBuckets.Percentile(new Dictionary<int, long>(), 0.5));
    }
}
