namespace TokenPortal.Core.Billing.Stripe;

/// <summary>What the Billing page offers: one-click amounts, the custom amount's bounds, and packs.</summary>
public sealed record TopUpOffer(IReadOnlyList<long> PresetMicros, long MinMicros, long MaxMicros, IReadOnlyList<TokenPack> Packs)
{
    internal static TopUpOffer From(StripeOptions options) => new(
        options.PresetAmountsUsd.Select(MicroUsd.FromUsd).ToList(),
        MicroUsd.FromUsd(options.MinTopUpUsd),
        MicroUsd.FromUsd(options.MaxTopUpUsd),
        options.Packs.Select(p => new TokenPack(p.Name, MicroUsd.FromUsd(p.PriceUsd), MicroUsd.FromUsd(p.CreditUsd ?? p.PriceUsd))).ToList());
}
