namespace TokenPortal.Core.Data.Entities;

/// <summary>A user's Stripe customer, saved card and auto-reload settings and state.</summary>
public sealed class BillingProfile
{
    public required string UserId { get; set; }

    public string? StripeCustomerId { get; set; }

    /// <summary>The card saved through Checkout in setup mode, charged off-session by auto-reload.</summary>
    public string? PaymentMethodId { get; set; }

    public string? CardBrand { get; set; }

    public string? CardLast4 { get; set; }

    /// <summary>When the saved card's SetupIntent was created: an event about an older one never replaces it.</summary>
    public DateTimeOffset? CardSetupCreatedAt { get; set; }

    public bool AutoReloadEnabled { get; set; }

    /// <summary>A settlement that leaves the balance under this starts a reload.</summary>
    public long AutoReloadThresholdMicros { get; set; }

    public long AutoReloadAmountMicros { get; set; }

    /// <summary>
    /// Set (by a conditional update) before a reload's PaymentIntent is created and cleared by its webhook:
    /// while set, no second reload starts. Its value is the reload's idempotency key.
    /// </summary>
    public string? ReloadInFlight { get; set; }

    public DateTimeOffset? ReloadStartedAt { get; set; }

    /// <summary>What the reload in flight charges: a retry must send Stripe the same request under the same key.</summary>
    public long ReloadAmountMicros { get; set; }

    /// <summary>Reloads started so far; numbers each reload's idempotency key.</summary>
    public long ReloadCount { get; set; }

    /// <summary>Why auto-reload was turned off (a declined card), shown on the Billing page.</summary>
    public string? AutoReloadFailure { get; set; }
}
