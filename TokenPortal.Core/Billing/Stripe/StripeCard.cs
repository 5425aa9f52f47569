namespace TokenPortal.Core.Billing.Stripe;

public sealed record StripeCard(string? Brand, string? Last4);
