using System.Text.Json.Serialization;

namespace TokenPortal.Core.Billing.Stripe;

/// <summary>The fields of Stripe's SetupIntent object the product reads.</summary>
public sealed record StripeSetupIntent(
    string Id,
    string Status,
    [property: JsonConverter(typeof(StripeIdConverter))] string? Customer,
    [property: JsonConverter(typeof(StripeIdConverter))] string? PaymentMethod,
    Dictionary<string, string>? Metadata,
    long Created = 0);
