using System.Text;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Stripe;
using Stripe.Checkout;
using TokenPortal.Core.Configuration;
using TokenPortal.Core.Data;
using TokenPortal.Core.Data.Entities;

namespace TokenPortal.Core.Billing.Stripe;

/// <summary>
/// Applies Stripe webhook events: the signature is checked on the raw body, the object an event is about is
/// re-fetched from Stripe (the event's copy may be stale or forged by replay), and the event id is recorded in the
/// same transaction as the ledger change, so however often an event arrives, and however concurrently, it counts once.
/// A payment is also keyed by its PaymentIntent, so two different events about one payment credit it once; it keeps the
/// receipt of its charge, read with it (the charge expanded), so the history can link Stripe's receipt.
/// </summary>
internal sealed partial class StripeWebhookHandler(
    StripeApi stripe,
    IOptionsMonitor<StripeOptions> options,
    IOptionsMonitor<TokenPortalOptions> site,
    IDbContextFactory<TokenPortalDbContext> dbFactory,
    DatabaseWriteGate writeGate,
    AutoReloader autoReloader,
    ReservationBook book,
    TimeProvider clock,
    ILogger<StripeWebhookHandler> logger)
{
    /// <summary>One event's change, applied inside the transaction that records the event.</summary>
    private delegate Task Effect(TokenPortalDbContext db, DateTimeOffset now, CancellationToken cancellationToken);

    public async Task<StripeWebhookResult> HandleAsync(ReadOnlyMemory<byte> payload, string? signatureHeader, CancellationToken cancellationToken)
    {
        var settings = options.CurrentValue;
        if (!settings.IsConfigured)
            return StripeWebhookResult.NotConfigured;
        var json = Encoding.UTF8.GetString(payload.Span);
        Event? stripeEvent;
        try
        {
            stripeEvent = ConstructEvent(json, signatureHeader, settings.WebhookSecret!, clock.GetUtcNow(), settings.SignatureToleranceSeconds);
        }
        catch (StripeException ex)
        {
            LogBadSignature(logger, ex.Message);
            return StripeWebhookResult.BadSignature;
        }
        catch (Exception ex) when (ex is Newtonsoft.Json.JsonException or ArgumentException or InvalidCastException)
        {
            stripeEvent = null;
        }
        if (stripeEvent is not { Id.Length: > 0, Type.Length: > 0 })
            return StripeWebhookResult.BadPayload;
        if (!Handlers.TryGetValue(stripeEvent.Type, out var handler))
            return Ignored(stripeEvent);
        // Only the id of the object is believed; the object itself is fetched afresh by the handler.
        if (stripeEvent.Data?.Object is not IHasId { Id.Length: > 0 } subject)
            return StripeWebhookResult.BadPayload;

        if (await AlreadyAppliedAsync(stripeEvent.Id, cancellationToken))
            return StripeWebhookResult.Duplicate;
        var effect = await handler(this, subject.Id, cancellationToken);
        if (effect is null)
            return Ignored(stripeEvent);
        return await ApplyOnceAsync(stripeEvent, effect, cancellationToken);
    }

    /// <summary>
    /// Stripe.net's <see cref="EventUtility.ConstructEvent(string, string, string, long, long, bool)"/>: the <c>Stripe-Signature</c>
    /// header must carry a <c>v1</c> HMAC-SHA256 of <c>timestamp.payload</c> under the endpoint's secret (any one of several, as
    /// during a secret roll; never <c>v0</c>), compared in constant time, signed within <paramref name="toleranceSeconds"/> of
    /// <paramref name="now"/>; else it throws <see cref="StripeException"/>. The event's API version is not ours to match: only
    /// its id, type and object id are read, and the object is fetched afresh.
    /// </summary>
    internal static Event ConstructEvent(string payload, string? header, string secret, DateTimeOffset now, int toleranceSeconds) =>
        EventUtility.ConstructEvent(payload, header ?? "", secret, toleranceSeconds, now.ToUnixTimeSeconds(), throwOnApiVersionMismatch: false);

    /// <summary>The events that change money or a saved card, each with what it does; any other is acknowledged and left alone.</summary>
    private static readonly Dictionary<string, Func<StripeWebhookHandler, string, CancellationToken, Task<Effect?>>> Handlers = new()
    {
        ["checkout.session.completed"] = (h, id, ct) => h.CheckoutCompletedAsync(id, ct),
        ["checkout.session.async_payment_succeeded"] = (h, id, ct) => h.CheckoutCompletedAsync(id, ct),
        ["payment_intent.succeeded"] = (h, id, ct) => h.PaymentSucceededAsync(id, ct),
        ["payment_intent.payment_failed"] = (h, id, ct) => h.PaymentFailedAsync(id, ct),
        ["charge.refunded"] = (h, id, ct) => h.RefundedAsync(id, ct),
        ["charge.dispute.created"] = (h, id, ct) => h.DisputedAsync(id, ct),
        ["charge.dispute.closed"] = (h, id, ct) => h.DisputeWonAsync(id, ct),
        ["charge.dispute.funds_reinstated"] = (h, id, ct) => h.DisputeWonAsync(id, ct),
    };

    private StripeWebhookResult Ignored(Event stripeEvent)
    {
        LogIgnored(logger, stripeEvent.Type, stripeEvent.Id);
        return StripeWebhookResult.Ignored;
    }

    private async Task<bool> AlreadyAppliedAsync(string eventId, CancellationToken cancellationToken)
    {
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        return await db.StripeEvents.AnyAsync(e => e.Id == eventId, cancellationToken);
    }

    private async Task<StripeWebhookResult> ApplyOnceAsync(Event stripeEvent, Effect effect, CancellationToken cancellationToken)
    {
        using var _ = await writeGate.EnterAsync(cancellationToken);
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        await using var tx = await db.Database.BeginTransactionAsync(cancellationToken);
        // Checked again under the gate: a concurrent delivery may have committed since the first look.
        if (await db.StripeEvents.AnyAsync(e => e.Id == stripeEvent.Id, cancellationToken))
            return StripeWebhookResult.Duplicate;
        var now = clock.GetUtcNow();
        db.StripeEvents.Add(new StripeEvent { Id = stripeEvent.Id, Type = stripeEvent.Type, ProcessedAt = now });
        await effect(db, now, cancellationToken);
        try
        {
            await db.SaveChangesAsync(cancellationToken);
        }
        catch (DbUpdateException ex) when (IsUniqueViolation(ex))
        {
            // Another process recorded the same event (or payment) first: the unique key kept it to one.
            return StripeWebhookResult.Duplicate;
        }
        await tx.CommitAsync(cancellationToken);
        // A refund or dispute took money on this connection: reserves must not grant from the balance the book last saw.
        book.Forget(db.Balances.Local);
        LogApplied(logger, stripeEvent.Type, stripeEvent.Id);
        return StripeWebhookResult.Applied;
    }

    private async Task<Effect?> CheckoutCompletedAsync(string sessionId, CancellationToken cancellationToken)
    {
        // The payment's charge comes along (expanded) for its receipt: one read, and what is credited is what Stripe says now.
        var session = await stripe.CheckoutSessions.GetAsync(sessionId, new SessionGetOptions { Expand = ["payment_intent.latest_charge"] },
            cancellationToken: cancellationToken);
        var userId = session.Metadata?.GetValueOrDefault(StripeMetadata.UserId);
        if (userId is null)
            return null;
        if (session.Mode == "payment")
        {
            // An asynchronous payment method completes the session unpaid; its async_payment_succeeded event credits it.
            if (session.PaymentStatus != "paid" || session.PaymentIntentId is not { } paymentIntent || !TryCredit(session.Metadata, out var credit)
                || !IsOurCurrency(session.Currency))
                return null;
            var receiptUrl = StripeCredits.ReceiptOf(session.PaymentIntent?.LatestCharge);
            return (db, now, ct) => CreditAsync(db, userId, paymentIntent, StripePaymentPurpose.TopUp, session.AmountTotal ?? 0, credit, receiptUrl, null, now, ct);
        }
        if (session.Mode == "setup" && session.Status == "complete" && session.SetupIntentId is { } setupIntentId)
        {
            var setupIntent = await stripe.SetupIntents.GetAsync(setupIntentId, cancellationToken: cancellationToken);
            if (setupIntent.Status != "succeeded" || setupIntent.PaymentMethodId is not { } paymentMethodId)
                return null;
            var card = (await stripe.PaymentMethods.GetAsync(paymentMethodId, cancellationToken: cancellationToken)).Card;
            var createdAt = new DateTimeOffset(DateTime.SpecifyKind(setupIntent.Created, DateTimeKind.Utc));
            return async (db, now, ct) =>
            {
                var profile = await StripeCredits.ProfileAsync(db, userId, ct);
                // Events arrive in any order: a card saved before the one on file never replaces it.
                if (profile.CardSetupCreatedAt > createdAt)
                    return;
                profile.CardSetupCreatedAt = createdAt;
                profile.StripeCustomerId ??= session.CustomerId ?? setupIntent.CustomerId;
                profile.PaymentMethodId = paymentMethodId;
                profile.CardBrand = card?.Brand;
                profile.CardLast4 = card?.Last4;
                profile.AutoReloadFailure = null;
            };
        }
        return null;
    }

    private async Task<Effect?> PaymentSucceededAsync(string paymentIntentId, CancellationToken cancellationToken) =>
        CreditOf(await PaymentWithChargeAsync(paymentIntentId, cancellationToken));

    /// <summary>A PaymentIntent as Stripe has it now, with its latest charge expanded (the receipt is on the charge).</summary>
    private Task<PaymentIntent> PaymentWithChargeAsync(string paymentIntentId, CancellationToken cancellationToken) =>
        stripe.PaymentIntents.GetAsync(paymentIntentId, new PaymentIntentGetOptions { Expand = ["latest_charge"] }, cancellationToken: cancellationToken);

    /// <summary>The credit a succeeded PaymentIntent of ours stands for, or null when it is not one.</summary>
    private Effect? CreditOf(PaymentIntent intent)
    {
        if (intent.Status != "succeeded" || intent.Metadata?.GetValueOrDefault(StripeMetadata.UserId) is not { } userId
            || !TryCredit(intent.Metadata, out var credit) || !IsOurCurrency(intent.Currency))
            return null;
        var reloadKey = intent.Metadata.GetValueOrDefault(StripeMetadata.ReloadKey);
        var purpose = reloadKey is null ? StripePaymentPurpose.TopUp : StripePaymentPurpose.AutoReload;
        var receiptUrl = StripeCredits.ReceiptOf(intent.LatestCharge);
        return (db, now, ct) => CreditAsync(db, userId, intent.Id, purpose, intent.Amount, credit, receiptUrl, reloadKey, now, ct);
    }

    private async Task<Effect?> PaymentFailedAsync(string paymentIntentId, CancellationToken cancellationToken)
    {
        var intent = await stripe.PaymentIntents.GetAsync(paymentIntentId, cancellationToken: cancellationToken);
        if (intent.Status == "succeeded" || intent.Metadata?.GetValueOrDefault(StripeMetadata.UserId) is not { } userId
            || intent.Metadata.GetValueOrDefault(StripeMetadata.ReloadKey) is not { } reloadKey)
            return null;
        var reason = intent.LastPaymentError?.Message ?? "The card was declined.";
        return (db, _, ct) => autoReloader.TurnOffAsync(db, userId, reloadKey, reason, ct);
    }

    private async Task<Effect?> RefundedAsync(string chargeId, CancellationToken cancellationToken)
    {
        var charge = await stripe.Charges.GetAsync(chargeId, cancellationToken: cancellationToken);
        if (charge.PaymentIntentId is not { } paymentIntentId)
            return null;
        return await TakeBackAsync(paymentIntentId, charge.AmountRefunded, null, $"Stripe refund {charge.Id}", cancellationToken);
    }

    private async Task<Effect?> DisputedAsync(string disputeId, CancellationToken cancellationToken)
    {
        var dispute = await stripe.Disputes.GetAsync(disputeId, cancellationToken: cancellationToken);
        // An inquiry (warning_*) takes no money; only a real dispute withdraws it.
        if (dispute.Status?.StartsWith("warning_", StringComparison.Ordinal) == true)
            return null;
        var paymentIntentId = dispute.PaymentIntentId
            ?? (dispute.ChargeId is { } chargeId ? (await stripe.Charges.GetAsync(chargeId, cancellationToken: cancellationToken)).PaymentIntentId : null);
        if (paymentIntentId is null)
            return null;
        return await TakeBackAsync(paymentIntentId, null, (dispute.Id, dispute.Amount), $"Stripe dispute {dispute.Id}", cancellationToken);
    }

    /// <summary>A dispute closed as won (or its funds reinstated, whichever event comes first) credits back what it took, once.</summary>
    private async Task<Effect?> DisputeWonAsync(string disputeId, CancellationToken cancellationToken)
    {
        var dispute = await stripe.Disputes.GetAsync(disputeId, cancellationToken: cancellationToken);
        if (dispute.Status != "won")
            return null;
        return async (db, now, ct) =>
        {
            if (await db.StripePayments.FirstOrDefaultAsync(p => p.DisputeId == dispute.Id, ct) is { } payment)
                await StripeCredits.ReinstateDisputeAsync(db, payment, $"Stripe dispute {dispute.Id} won", now, ct);
        };
    }

    /// <summary>
    /// Takes back what a refund (<paramref name="refundedCents"/>, Stripe's running total) or a dispute newly claims of a
    /// payment. Either can overtake the event that credits the payment (that one failed and waits for Stripe's retry):
    /// then the payment is credited first, in the same transaction, so the debit is never lost.
    /// </summary>
    private async Task<Effect> TakeBackAsync(string paymentIntentId, long? refundedCents, (string Id, long Cents)? dispute, string note,
        CancellationToken cancellationToken)
    {
        Effect? creditFirst = null;
        await using (var db = await dbFactory.CreateDbContextAsync(cancellationToken))
        {
            if (!await db.StripePayments.AnyAsync(p => p.PaymentIntentId == paymentIntentId, cancellationToken))
                creditFirst = CreditOf(await PaymentWithChargeAsync(paymentIntentId, cancellationToken));
        }
        return async (db, now, ct) =>
        {
            if (creditFirst is not null)
                await creditFirst(db, now, ct);
            if (await db.StripePayments.FindAsync([paymentIntentId], ct) is { } payment)
                await StripeCredits.TakeBackAsync(db, payment, refundedCents ?? payment.RefundedCents, dispute, note, now, ct);
        };
    }

    private async Task CreditAsync(TokenPortalDbContext db, string userId, string paymentIntentId, StripePaymentPurpose purpose,
        long amountCents, long creditMicros, string? receiptUrl, string? reloadKey, DateTimeOffset now, CancellationToken cancellationToken)
    {
        if (!await StripeCredits.CreditPaymentAsync(db, userId, paymentIntentId, purpose, amountCents, creditMicros, receiptUrl, reloadKey, site.CurrentValue, now, cancellationToken))
            LogUnknownUser(logger, paymentIntentId);
    }

    private bool IsOurCurrency(string? currency) => string.Equals(currency, options.CurrentValue.Currency, StringComparison.OrdinalIgnoreCase);

    private static bool TryCredit(Dictionary<string, string>? metadata, out long creditMicros) =>
        long.TryParse(metadata?.GetValueOrDefault(StripeMetadata.CreditMicros), out creditMicros) && creditMicros > 0;

    private static bool IsUniqueViolation(DbUpdateException ex) => DatabaseEngines.IsUniqueViolation(ex);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Refused a Stripe webhook: {Reason}")]
    private static partial void LogBadSignature(ILogger logger, string reason);

    [LoggerMessage(Level = LogLevel.Debug, Message = "Stripe event {Type} {EventId} needs nothing from us.")]
    private static partial void LogIgnored(ILogger logger, string type, string eventId);

    [LoggerMessage(Level = LogLevel.Information, Message = "Applied Stripe event {Type} {EventId}.")]
    private static partial void LogApplied(ILogger logger, string type, string eventId);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Stripe payment {PaymentIntentId} names a user that does not exist; not credited.")]
    private static partial void LogUnknownUser(ILogger logger, string paymentIntentId);
}
