using TokenPortal.Core.Configuration;

namespace TokenPortal.Core.Catalog;

/// <summary>
/// What writing prompt tokens to a provider's cache costs when the operator set no price: Anthropic charges
/// 1.25x input for its 5-minute cache and 2x for its 1-hour cache; other providers cache without a write charge,
/// so their writes cost the input price.
/// </summary>
public static class CacheWritePrices
{
    /// <summary>List prices in micro-USD per million tokens, for a model served by <paramref name="kinds"/> (the dearest rule of its channels).</summary>
    public static (long FiveMinutes, long OneHour) Defaults(long inputPerMillion, IEnumerable<ProviderKind> kinds) =>
        kinds.Contains(ProviderKind.Anthropic)
            ? (checked(inputPerMillion * 5 + 3) / 4, checked(inputPerMillion * 2)) // 1.25x rounded up to the micro-dollar
            : (inputPerMillion, inputPerMillion);
}
