namespace TokenPortal.Core.Billing.Stripe;

/// <summary>A configured pack, in the units it is charged and credited in.</summary>
public sealed record TokenPack(string Name, long PriceMicros, long CreditMicros);
