using System.Text.Json.Serialization;

namespace TokenPortal.Core.Billing.Stripe;

/// <summary>Stripe's snake_case JSON, source-generated.</summary>
[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.SnakeCaseLower)]
[JsonSerializable(typeof(StripeCustomer))]
[JsonSerializable(typeof(StripeCheckoutSession))]
[JsonSerializable(typeof(StripeSetupIntent))]
[JsonSerializable(typeof(StripePaymentMethod))]
[JsonSerializable(typeof(StripePaymentIntent))]
[JsonSerializable(typeof(StripeCharge))]
[JsonSerializable(typeof(StripeDispute))]
[JsonSerializable(typeof(StripeErrorEnvelope))]
[JsonSerializable(typeof(StripeEventEnvelope))]
internal sealed partial class StripeJsonContext : JsonSerializerContext;
