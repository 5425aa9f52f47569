namespace TokenPortal.Core.Billing.Stripe;

/// <summary>A user's saved card and auto-reload, as the Billing page shows them.</summary>
public sealed record AutoReloadSettings(
    string? CardBrand,
    string? CardLast4,
    bool Enabled,
    long ThresholdMicros,
    long AmountMicros,
    bool ReloadInFlight,
    string? Failure)
{
    public bool HasCard => CardLast4 is not null;
}
