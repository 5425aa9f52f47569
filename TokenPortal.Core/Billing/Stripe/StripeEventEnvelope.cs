namespace TokenPortal.Core.Billing.Stripe;

/// <summary>A webhook event: its id, type and the object it is about (read only for its id; the object is re-fetched).</summary>
public sealed record StripeEventEnvelope(string Id, string Type, StripeEventData Data);
