namespace TokenPortal.Core.Billing.Stripe;

/// <summary>The fields of Stripe's Customer object the product reads.</summary>
public sealed record StripeCustomer(string Id, string? Email);
