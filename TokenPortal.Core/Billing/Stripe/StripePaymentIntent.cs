using System.Text.Json.Serialization;

namespace TokenPortal.Core.Billing.Stripe;

/// <summary>The fields of Stripe's PaymentIntent object the product reads.</summary>
public sealed record StripePaymentIntent(
    string Id,
    string Status,
    long Amount,
    string? Currency,
    [property: JsonConverter(typeof(StripeIdConverter))] string? Customer,
    [property: JsonConverter(typeof(StripeIdConverter))] string? PaymentMethod,
    Dictionary<string, string>? Metadata,
    StripeError? LastPaymentError);
