using TokenPortal.Core.Billing;

namespace TokenPortal.Tests.Billing;

public sealed class ModelPriceTests
{
    // 5 USD / 0.5 USD / 30 USD per million tokens.
    private static readonly ModelPrice Gpt = new(5_000_000, 500_000, 30_000_000);

    [Fact]
    public void Cost_PricesUncachedCachedAndOutputSeparately()
    {
        // 900 uncached x 5 + 100 cached x 0.5 + 200 out x 30 = 4,500 + 50 + 6,000 micro-USD.
        Assert.Equal(10_550, Gpt.Cost(new TokenUsage(1_000, 200, 100)));
    }

    [Fact]
    public void Cost_RoundsUpOncePerRequestToTheMicroUsd()
    {
        var cheap = new ModelPrice(20_000, 20_000, 0); // 0.02 USD per million: 0.02 micro-USD per token
        Assert.Equal(1, cheap.Cost(new TokenUsage(1, 0, 0)));
        Assert.Equal(1, cheap.Cost(new TokenUsage(50, 0, 0)));
        Assert.Equal(2, cheap.Cost(new TokenUsage(51, 0, 0)));
        Assert.Equal(0, cheap.Cost(new TokenUsage(0, 0, 0)));
    }

    // Claude: input 3, cache reads 0.3, 5-minute writes 3.75, 1-hour writes 6, output 15 USD per million.
    private static readonly ModelPrice Claude = new(3_000_000, 300_000, 15_000_000, 3_750_000, 6_000_000);

    [Fact]
    public void Cost_PricesCacheReadsAndBothKindsOfCacheWriteAtTheirOwnRates()
    {
        // 1,000 prompt tokens: 2 plain x 3 + 500 reads x 0.3 + 297 5-minute writes x 3.75 + 201 1-hour writes x 6, and 7 out x 15
        // = 6 + 150 + 1,113.75 + 1,206 + 105 = 2,580.75 micro-USD, rounded up once.
        Assert.Equal(2_581, Claude.Cost(new TokenUsage(1_000, 7, 500, CacheWriteTokens: 297, CacheWrite1hTokens: 201)));
    }

    [Fact]
    public void Cost_CacheWritesBeyondThePromptAreClamped()
    {
        // A provider saying more writes than prompt tokens: the prompt is billed once, the dearest part first.
        Assert.Equal(Claude.Cost(new TokenUsage(10, 0, 4, 0, 6)), Claude.Cost(new TokenUsage(10, 0, 4, 50, 50)));
    }

    [Fact]
    public void WorstCase_WithCacheControl_PricesEveryPromptTokenAtTheDearestWrite()
    {
        Assert.Equal(1_000 * 3 + 100 * 15, Claude.WorstCase(1_000, 100));
        Assert.Equal(1_000 * 6 + 100 * 15, Claude.WorstCase(1_000, 100, writesCache: true));
        var output = Claude.LargestOutputWithin(7_500, 1_000, int.MaxValue, writesCache: true);
        Assert.Equal(100, output);
        Assert.True(Claude.Cost(new TokenUsage(1_000, output, 0, 0, 1_000)) <= 7_500);
    }

    [Fact]
    public void Cost_CachedMoreThanPromptIsClamped()
    {
        Assert.Equal(Gpt.Cost(new TokenUsage(10, 0, 10)), Gpt.Cost(new TokenUsage(10, 0, 50)));
    }

    [Fact]
    public void Cost_HugeCountsDoNotOverflow()
    {
        var expensive = new ModelPrice(1_000_000_000, 1_000_000_000, 1_000_000_000); // 1,000 USD per million
        Assert.Equal(2_000_000_000_000L, expensive.Cost(new TokenUsage(1_000_000_000, 1_000_000_000, 0)));
    }

    [Theory]
    [InlineData(0.5, 2_500_000, 250_000, 15_000_000)]
    [InlineData(1.0, 5_000_000, 500_000, 30_000_000)]
    [InlineData(1.3333333, 6_666_667, 666_667, 39_999_999)]
    public void FromList_AppliesMultiplierRoundingHalfAwayFromZero(double multiplier, long input, long cached, long output)
    {
        var price = ModelPrice.FromList(5_000_000, 500_000, 30_000_000, (decimal)multiplier);

        Assert.Equal(new ModelPrice(input, cached, output), price);
    }

    [Theory]
    [InlineData(10_550, 1_000, 200)]
    [InlineData(10_549, 1_000, 199)]
    [InlineData(5_000, 1_000, 0)]
    [InlineData(4_999, 1_000, -1)]
    public void LargestOutputWithin_IsTheExactInverseOfWorstCase(long budget, int input, int expected)
    {
        var price = new ModelPrice(5_000_000, 500_000, 27_500_000);
        var largest = price.LargestOutputWithin(budget, input, int.MaxValue);

        if (expected < 0)
        {
            Assert.Equal(-1, largest);
            return;
        }
        Assert.True(price.WorstCase(input, largest) <= budget);
        Assert.True(price.WorstCase(input, largest + 1) > budget);
    }

    [Fact]
    public void LargestOutputWithin_FreeOutputIsBoundedByTheCeiling()
    {
        Assert.Equal(4096, new ModelPrice(0, 0, 0).LargestOutputWithin(0, 100, 4096));
    }

    [Theory]
    [InlineData(1.5, 1_500_000)]
    [InlineData(0.000001, 1)]
    [InlineData(123.456789, 123_456_789)]
    public void MicroUsd_FromUsdIsExact(double usd, long micros) => Assert.Equal(micros, MicroUsd.FromUsd((decimal)usd));

    [Fact]
    public void MicroUsd_RefusesSubMicroAmounts() => Assert.Throws<ArgumentException>(() => MicroUsd.FromUsd(0.0000001m));

    [Theory]
    [InlineData("0.0000001")]
    [InlineData("9223372036855")]
    [InlineData("79228162514264337593543950335")]
    public void MicroUsd_TryFromUsd_RefusesWhatALongOfMicrosCannotHoldExactly(string usd)
    {
        Assert.False(MicroUsd.TryFromUsd(decimal.Parse(usd, System.Globalization.CultureInfo.InvariantCulture), out _));
        Assert.Throws<ArgumentException>(() => MicroUsd.FromUsd(decimal.Parse(usd, System.Globalization.CultureInfo.InvariantCulture)));
    }

    [Fact]
    public void MicroUsd_FormatsSixDecimals() => Assert.Equal("12.000345", MicroUsd.Format(12_000_345));
}
