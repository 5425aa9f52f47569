using System.Text.Json;

namespace TokenPortal.Core.Billing.Stripe;

public sealed record StripeEventData(JsonElement Object);
