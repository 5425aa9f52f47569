namespace TokenPortal.Core.Billing.Stripe;

/// <summary>A fixed top-up offered on the Billing page.</summary>
public sealed class TokenPackOptions
{
    public string Name { get; set; } = "";

    public decimal PriceUsd { get; set; }

    /// <summary>What the pack credits; its price when not set.</summary>
    public decimal? CreditUsd { get; set; }
}
