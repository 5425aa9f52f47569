namespace TokenPortal.Core.Billing.Stripe;

/// <summary>The fields of Stripe's PaymentMethod object the product reads (the card's brand and last four digits).</summary>
public sealed record StripePaymentMethod(string Id, StripeCard? Card);
