namespace TokenPortal.Core.Billing.Stripe;

public sealed record StripeErrorEnvelope(StripeError? Error);
