using System.Globalization;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Stripe;
using Stripe.Checkout;
using TokenPortal.Core.Data;

namespace TokenPortal.Core.Billing.Stripe;

/// <inheritdoc />
internal sealed partial class StripeBilling(
    StripeApi stripe,
    IOptionsMonitor<StripeOptions> options,
    IDbContextFactory<TokenPortalDbContext> dbFactory,
    DatabaseWriteGate writeGate,
    AutoReloader autoReloader,
    ILogger<StripeBilling> logger) : IStripeBilling
{
    public bool IsEnabled => options.CurrentValue.IsConfigured;

    public TopUpOffer Offer => TopUpOffer.From(options.CurrentValue);

    public Task<CheckoutStart> StartTopUpAsync(string userId, long amountMicros, Uri returnUrl, CancellationToken cancellationToken)
    {
        var offer = Offer;
        if (amountMicros < offer.MinMicros || amountMicros > offer.MaxMicros)
            return Task.FromResult(CheckoutStart.Refused($"Top-ups are between ${MicroUsd.ToUsd(offer.MinMicros):0.00} and ${MicroUsd.ToUsd(offer.MaxMicros):0.00}."));
        if (!StripeAmounts.TryToCents(amountMicros, out _))
            return Task.FromResult(CheckoutStart.Refused("Enter an amount in whole cents."));
        return StartPaymentAsync(userId, amountMicros, amountMicros, $"TokenPortal credit ${MicroUsd.ToUsd(amountMicros):0.00}", returnUrl, cancellationToken);
    }

    public Task<CheckoutStart> StartPackAsync(string userId, string packName, Uri returnUrl, CancellationToken cancellationToken)
    {
        var pack = Offer.Packs.FirstOrDefault(p => string.Equals(p.Name, packName, StringComparison.OrdinalIgnoreCase));
        return pack is null
            ? Task.FromResult(CheckoutStart.Refused($"There is no pack named '{packName}'."))
            : StartPaymentAsync(userId, pack.PriceMicros, pack.CreditMicros, pack.Name, returnUrl, cancellationToken);
    }

    public Task<CheckoutStart> StartCardSetupAsync(string userId, Uri returnUrl, CancellationToken cancellationToken)
    {
        var metadata = new Dictionary<string, string> { [StripeMetadata.UserId] = userId, [StripeMetadata.Purpose] = StripeMetadata.CardSetup };
        return CreateSessionAsync(userId, customer => new SessionCreateOptions
        {
            Mode = "setup",
            Currency = options.CurrentValue.Currency,
            Customer = customer,
            ClientReferenceId = userId,
            SuccessUrl = ReturnTo(returnUrl, "card-saved"),
            CancelUrl = ReturnTo(returnUrl, "cancelled"),
            Metadata = metadata,
            SetupIntentData = new SessionSetupIntentDataOptions { Metadata = metadata },
        }, cancellationToken);
    }

    public async Task<AutoReloadSettings> GetAutoReloadAsync(string userId, CancellationToken cancellationToken)
    {
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        var p = await db.BillingProfiles.AsNoTracking().FirstOrDefaultAsync(x => x.UserId == userId, cancellationToken);
        return p is null
            ? new AutoReloadSettings(null, null, false, 0, 0, false, null)
            : new AutoReloadSettings(p.CardBrand, p.CardLast4, p.AutoReloadEnabled, p.AutoReloadThresholdMicros, p.AutoReloadAmountMicros,
                p.ReloadInFlight is not null, p.AutoReloadFailure);
    }

    public async Task<string?> SaveAutoReloadAsync(string userId, bool enabled, long thresholdMicros, long amountMicros, CancellationToken cancellationToken)
    {
        var offer = Offer;
        if (enabled)
        {
            if (amountMicros < offer.MinMicros || amountMicros > offer.MaxMicros || !StripeAmounts.TryToCents(amountMicros, out _))
                return $"The reload amount must be whole cents between ${MicroUsd.ToUsd(offer.MinMicros):0.00} and ${MicroUsd.ToUsd(offer.MaxMicros):0.00}.";
            if (thresholdMicros <= 0 || thresholdMicros > offer.MaxMicros)
                return $"The threshold must be more than $0.00 and at most ${MicroUsd.ToUsd(offer.MaxMicros):0.00}.";
        }
        try
        {
            using (await writeGate.EnterAsync(cancellationToken))
            {
                await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
                var profile = await StripeCredits.ProfileAsync(db, userId, cancellationToken);
                if (enabled && profile.PaymentMethodId is null)
                    return "Save a card first: auto-reload charges the saved card.";
                profile.AutoReloadEnabled = enabled;
                if (enabled)
                {
                    profile.AutoReloadThresholdMicros = thresholdMicros;
                    profile.AutoReloadAmountMicros = amountMicros;
                    profile.AutoReloadFailure = null;
                }
                await db.SaveChangesAsync(cancellationToken);
            }
        }
        catch (Exception ex) when (Gateway.RequestBilling.IsDatabaseFailure(ex))
        {
            LogSaveFailed(logger, ex, userId);
            return "The settings could not be saved just now; please try again.";
        }
        autoReloader.Watch(userId, enabled);
        // The balance may already be under the new threshold.
        autoReloader.BalanceLowered(userId);
        return null;
    }

    private Task<CheckoutStart> StartPaymentAsync(string userId, long priceMicros, long creditMicros, string description, Uri returnUrl,
        CancellationToken cancellationToken)
    {
        StripeAmounts.TryToCents(priceMicros, out var cents);
        var metadata = new Dictionary<string, string>
        {
            [StripeMetadata.UserId] = userId,
            [StripeMetadata.CreditMicros] = creditMicros.ToString(CultureInfo.InvariantCulture),
            [StripeMetadata.Purpose] = StripeMetadata.TopUp,
        };
        return CreateSessionAsync(userId, customer => new SessionCreateOptions
        {
            Mode = "payment",
            Customer = customer,
            ClientReferenceId = userId,
            SuccessUrl = ReturnTo(returnUrl, "paid"),
            CancelUrl = ReturnTo(returnUrl, "cancelled"),
            LineItems =
            [
                new SessionLineItemOptions
                {
                    Quantity = 1,
                    PriceData = new SessionLineItemPriceDataOptions
                    {
                        Currency = options.CurrentValue.Currency,
                        UnitAmount = cents,
                        ProductData = new SessionLineItemPriceDataProductDataOptions { Name = description },
                    },
                },
            ],
            Metadata = metadata,
            PaymentIntentData = new SessionPaymentIntentDataOptions { Metadata = metadata },
        }, cancellationToken);
    }

    /// <summary>A Checkout Session for the user's Stripe customer, with the form <paramref name="build"/> makes for it.</summary>
    private async Task<CheckoutStart> CreateSessionAsync(string userId, Func<string, SessionCreateOptions> build, CancellationToken cancellationToken)
    {
        if (!IsEnabled)
            return CheckoutStart.Refused("Card payments are not enabled on this server.");
        try
        {
            var customer = await EnsureCustomerAsync(userId, cancellationToken);
            // Each click is a new purchase; the key still makes a retried request create one session, not two.
            var session = await stripe.CheckoutSessions.CreateAsync(build(customer), StripeApi.Once($"checkout-{Guid.NewGuid():N}"), cancellationToken);
            return session.Url is { } url ? new CheckoutStart(url, null) : CheckoutStart.Refused("Stripe did not return a Checkout page.");
        }
        catch (Exception ex) when (ex is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            // Stripe unreachable or odd, or our database busy: the page says so; nothing was charged.
            LogCheckoutFailed(logger, ex, userId);
            return CheckoutStart.Refused("Stripe could not be reached just now; nothing was charged. Please try again.");
        }
    }

    /// <summary>The user's Stripe customer, created once (the idempotency key is the user's id).</summary>
    private async Task<string> EnsureCustomerAsync(string userId, CancellationToken cancellationToken)
    {
        string? email;
        await using (var db = await dbFactory.CreateDbContextAsync(cancellationToken))
        {
            if (await db.BillingProfiles.AsNoTracking().Where(p => p.UserId == userId).Select(p => p.StripeCustomerId).FirstOrDefaultAsync(cancellationToken) is { } existing)
                return existing;
            email = await db.Users.Where(u => u.Id == userId).Select(u => u.Email).FirstOrDefaultAsync(cancellationToken);
        }
        var customer = await stripe.Customers.CreateAsync(
            new CustomerCreateOptions { Email = email, Metadata = new Dictionary<string, string> { [StripeMetadata.UserId] = userId } },
            StripeApi.Once($"customer-{userId}"), cancellationToken);
        using (await writeGate.EnterAsync(cancellationToken))
        {
            await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
            var profile = await StripeCredits.ProfileAsync(db, userId, cancellationToken);
            profile.StripeCustomerId ??= customer.Id;
            await db.SaveChangesAsync(cancellationToken);
            return profile.StripeCustomerId;
        }
    }

    private static string ReturnTo(Uri returnUrl, string outcome) =>
        $"{returnUrl.GetLeftPart(UriPartial.Path)}?checkout={outcome}&session_id={{CHECKOUT_SESSION_ID}}";

    [LoggerMessage(Level = LogLevel.Warning, Message = "Could not save auto-reload for user {UserId}.")]
    private static partial void LogSaveFailed(ILogger logger, Exception exception, string userId);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Could not start a Stripe Checkout for user {UserId}.")]
    private static partial void LogCheckoutFailed(ILogger logger, Exception exception, string userId);
}
