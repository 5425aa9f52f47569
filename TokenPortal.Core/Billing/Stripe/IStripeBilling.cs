namespace TokenPortal.Core.Billing.Stripe;

/// <summary>The portal's side of Stripe: start a top-up or a card setup in Checkout, and keep auto-reload settings.</summary>
public interface IStripeBilling
{
    /// <summary>False when <c>TokenPortal:Stripe</c> has no secret key and signing secret: top-ups are off.</summary>
    bool IsEnabled { get; }

    TopUpOffer Offer { get; }

    /// <summary>A Checkout Session for <paramref name="amountMicros"/> (whole cents, within the configured bounds).</summary>
    Task<CheckoutStart> StartTopUpAsync(string userId, long amountMicros, Uri returnUrl, CancellationToken cancellationToken);

    Task<CheckoutStart> StartPackAsync(string userId, string packName, Uri returnUrl, CancellationToken cancellationToken);

    /// <summary>A Checkout Session in setup mode: the card it saves is what auto-reload charges.</summary>
    Task<CheckoutStart> StartCardSetupAsync(string userId, Uri returnUrl, CancellationToken cancellationToken);

    Task<AutoReloadSettings> GetAutoReloadAsync(string userId, CancellationToken cancellationToken);

    /// <summary>Saves auto-reload; null when saved, else why not (no card, amounts out of bounds).</summary>
    Task<string?> SaveAutoReloadAsync(string userId, bool enabled, long thresholdMicros, long amountMicros, CancellationToken cancellationToken);
}
