namespace TokenPortal.Core.Billing.Stripe;

/// <summary>What became of one webhook delivery; the endpoint maps it to HTTP in one place.</summary>
public enum StripeWebhookResult
{
    /// <summary>The event changed a balance or a billing profile (2xx).</summary>
    Applied,

    /// <summary>Already applied: a replay or a concurrent duplicate, and nothing changed (2xx, so Stripe stops).</summary>
    Duplicate,

    /// <summary>An event type, or an object, the product has nothing to do for (2xx).</summary>
    Ignored,

    /// <summary>Missing, wrong or stale signature (400); nothing read further.</summary>
    BadSignature,

    /// <summary>Signed, but not an event we can read (400).</summary>
    BadPayload,

    /// <summary>Stripe is not configured on this server (404).</summary>
    NotConfigured,
}
