namespace TokenPortal.Core.Billing.Stripe;

/// <summary>
/// <c>TokenPortal:Stripe</c>. Top-ups, packs and auto-reload are on only when <see cref="SecretKey"/> is set;
/// without <see cref="WebhookSecret"/> no payment could ever be credited, so both are needed.
/// </summary>
public sealed class StripeOptions
{
    public const string SectionName = "TokenPortal:Stripe";

    public string? SecretKey { get; set; }

    /// <summary>The endpoint's signing secret (<c>whsec_…</c>) that <c>/stripe/webhook</c> checks every event against.</summary>
    public string? WebhookSecret { get; set; }

    /// <summary>Stripe's API root; tests point it at a fake on loopback.</summary>
    public Uri? ApiBase { get; set; }

    public string Currency { get; set; } = "usd";

    /// <summary>The amounts offered as one-click buttons.</summary>
    public List<decimal> PresetAmountsUsd { get; set; } = [5m, 10m, 25m, 50m];

    public decimal MinTopUpUsd { get; set; } = 5m;

    public decimal MaxTopUpUsd { get; set; } = 1000m;

    /// <summary>Fixed packs, e.g. <c>{ "Name": "$10 pack", "PriceUsd": 10 }</c>; a pack may credit more than it costs.</summary>
    public List<TokenPackOptions> Packs { get; set; } = [];

    /// <summary>How far an event's signature time may be from ours (Stripe's documented default is 5 minutes).</summary>
    public int SignatureToleranceSeconds { get; set; } = 300;

    /// <summary>
    /// How long an auto-reload may wait for its answer (a timeout, a lost webhook) before the next settlement asks
    /// Stripe again with the same idempotency key: the same PaymentIntent comes back, so it cannot charge twice.
    /// </summary>
    public int ReloadRetryAfterSeconds { get; set; } = 600;

    public bool IsConfigured => !string.IsNullOrWhiteSpace(SecretKey) && !string.IsNullOrWhiteSpace(WebhookSecret);

    public Uri ApiRoot => ApiBase ?? new Uri("https://api.stripe.com/");
}
