namespace TokenPortal.Core.Billing.Stripe;

/// <summary>Stripe's error object (<c>{"error": {...}}</c>), also a PaymentIntent's <c>last_payment_error</c>.</summary>
public sealed record StripeError(string? Type, string? Code, string? DeclineCode, string? Message, string? Param);
