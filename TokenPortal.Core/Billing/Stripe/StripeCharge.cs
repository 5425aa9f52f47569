using System.Text.Json.Serialization;

namespace TokenPortal.Core.Billing.Stripe;

/// <summary>The fields of Stripe's Charge object the product reads; <see cref="AmountRefunded"/> is the running total.</summary>
public sealed record StripeCharge(
    string Id,
    long Amount,
    long AmountRefunded,
    [property: JsonConverter(typeof(StripeIdConverter))] string? PaymentIntent);
