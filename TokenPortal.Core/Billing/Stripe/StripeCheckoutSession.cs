using System.Text.Json.Serialization;

namespace TokenPortal.Core.Billing.Stripe;

/// <summary>The fields of Stripe's Checkout Session object the product reads.</summary>
public sealed record StripeCheckoutSession(
    string Id,
    string? Url,
    string Mode,
    string? Status,
    string? PaymentStatus,
    long? AmountTotal,
    string? Currency,
    [property: JsonConverter(typeof(StripeIdConverter))] string? Customer,
    [property: JsonConverter(typeof(StripeIdConverter))] string? PaymentIntent,
    [property: JsonConverter(typeof(StripeIdConverter))] string? SetupIntent,
    string? ClientReferenceId,
    Dictionary<string, string>? Metadata);
