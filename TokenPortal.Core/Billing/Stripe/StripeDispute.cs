using System.Text.Json.Serialization;

namespace TokenPortal.Core.Billing.Stripe;

/// <summary>The fields of Stripe's Dispute object the product reads.</summary>
public sealed record StripeDispute(
    string Id,
    long Amount,
    string? Status,
    [property: JsonConverter(typeof(StripeIdConverter))] string? Charge,
    [property: JsonConverter(typeof(StripeIdConverter))] string? PaymentIntent);
