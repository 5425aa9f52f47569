namespace TokenPortal.Core.Billing;

/// <summary>
/// A model's sell prices in micro-USD per million tokens (list price x site multiplier).
/// Rounding rule: each request's cost is the exact sum of its token prices, rounded up to
/// the whole micro-USD once, at the end. Integer arithmetic throughout.
/// </summary>
/// <param name="CacheWritePerMillion">Prompt tokens written to the provider's 5-minute cache.</param>
/// <param name="CacheWrite1hPerMillion">Prompt tokens written to Anthropic's 1-hour cache.</param>
public readonly record struct ModelPrice(long InputPerMillion, long CachedInputPerMillion, long OutputPerMillion, long CacheWritePerMillion, long CacheWrite1hPerMillion)
{
    private const long TokensPerMillion = 1_000_000;

    /// <summary>A price whose cache writes cost the input price (providers without a write charge).</summary>
    public ModelPrice(long inputPerMillion, long cachedInputPerMillion, long outputPerMillion)
        : this(inputPerMillion, cachedInputPerMillion, outputPerMillion, inputPerMillion, inputPerMillion)
    {
    }

    /// <summary>Converts list prices in micro-USD per million tokens at a multiplier, rounded half away from zero; cache writes at the input price unless given.</summary>
    public static ModelPrice FromList(long input, long cachedInput, long output, decimal multiplier, long? cacheWrite = null, long? cacheWrite1h = null) => new(
        Scale(input, multiplier), Scale(cachedInput, multiplier), Scale(output, multiplier), Scale(cacheWrite ?? input, multiplier), Scale(cacheWrite1h ?? input, multiplier));

    /// <summary>What a finished request costs.</summary>
    public long Cost(TokenUsage usage)
    {
        var scaled = (Int128)usage.UncachedPromptTokens * InputPerMillion
                   + (Int128)usage.CacheReads * CachedInputPerMillion
                   + (Int128)usage.CacheWrites5m * CacheWritePerMillion
                   + (Int128)usage.CacheWrites1h * CacheWrite1hPerMillion
                   + (Int128)Math.Max(0, usage.CompletionTokens) * OutputPerMillion;
        return CeilingToMicros(scaled);
    }

    /// <summary>
    /// What one prompt token can cost at most: the input price, or, when the request may write to the provider's cache
    /// (it carries <c>cache_control</c>), the dearest of the input and cache-write prices.
    /// </summary>
    public long PromptTokenCeiling(bool writesCache) =>
        writesCache ? Math.Max(InputPerMillion, Math.Max(CacheWritePerMillion, CacheWrite1hPerMillion)) : InputPerMillion;

    /// <summary>
    /// The worst case of a request that sends <paramref name="inputTokens"/> and may generate <paramref name="maxOutputTokens"/>;
    /// with <paramref name="writesCache"/>, every prompt token may be a write to the dearest cache.
    /// </summary>
    public long WorstCase(int inputTokens, int maxOutputTokens, bool writesCache = false) =>
        CeilingToMicros((Int128)inputTokens * PromptTokenCeiling(writesCache) + (Int128)maxOutputTokens * OutputPerMillion);

    /// <summary>The largest output token count whose worst case fits in <paramref name="budgetMicros"/>, capped at <paramref name="ceiling"/>; -1 when even the input alone does not fit.</summary>
    public int LargestOutputWithin(long budgetMicros, int inputTokens, int ceiling, bool writesCache = false)
    {
        var room = (Int128)budgetMicros * TokensPerMillion - (Int128)inputTokens * PromptTokenCeiling(writesCache);
        if (room < 0)
            return -1;
        if (OutputPerMillion == 0)
            return ceiling;
        return (int)Int128.Min(room / OutputPerMillion, ceiling);
    }

    private static long CeilingToMicros(Int128 microsTimesMillion)
    {
        var whole = microsTimesMillion / TokensPerMillion;
        if (microsTimesMillion % TokensPerMillion > 0)
            whole++;
        return checked((long)whole);
    }

    private static long Scale(long listPerMillion, decimal multiplier) =>
        checked((long)decimal.Round(listPerMillion * multiplier, MidpointRounding.AwayFromZero));
}
