namespace TokenPortal.Core.Billing.Stripe;

/// <summary>The metadata keys we put on every Checkout Session, SetupIntent and PaymentIntent, and read back from webhooks.</summary>
public static class StripeMetadata
{
    public const string UserId = "user_id";

    /// <summary>What the payment credits, in micro-USD (a pack may credit more than its price).</summary>
    public const string CreditMicros = "credit_micros";

    public const string Purpose = "purpose";

    /// <summary>The auto-reload the PaymentIntent belongs to (its idempotency key).</summary>
    public const string ReloadKey = "reload_key";

    public const string TopUp = "top_up";

    public const string AutoReload = "auto_reload";

    public const string CardSetup = "card_setup";
}
