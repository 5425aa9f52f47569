using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using TokenPortal.Core.Configuration;
using TokenPortal.Core.Data;
using TokenPortal.Core.Data.Entities;

namespace TokenPortal.Core.Billing.Stripe;

/// <summary>
/// Applies Stripe webhook events: the signature is checked on the raw body, the object an event is about is
/// re-fetched from Stripe (the event's copy may be stale or forged by replay), and the event id is recorded in the
/// same transaction as the ledger change, so however often an event arrives, and however concurrently, it counts once.
/// A payment is also keyed by its PaymentIntent, so two different events about one payment credit it once.
/// </summary>
internal sealed partial class StripeWebhookHandler(
    IStripeClient stripe,
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
        var check = StripeWebhookSignature.Verify(payload.Span, signatureHeader, settings.WebhookSecret!, clock.GetUtcNow(),
            TimeSpan.FromSeconds(settings.SignatureToleranceSeconds));
        if (check != StripeSignatureCheck.Valid)
        {
            LogBadSignature(logger, check);
            return StripeWebhookResult.BadSignature;
        }

        StripeEventEnvelope? stripeEvent;
        try
        {
            stripeEvent = JsonSerializer.Deserialize(payload.Span, StripeJsonContext.Default.StripeEventEnvelope);
        }
        catch (JsonException)
        {
            stripeEvent = null;
        }
        if (stripeEvent is not { Id.Length: > 0, Type.Length: > 0 } || stripeEvent.Data?.Object.ValueKind != JsonValueKind.Object
            || !stripeEvent.Data.Object.TryGetProperty("id", out var idProperty) || idProperty.GetString() is not { Length: > 0 } objectId)
            return StripeWebhookResult.BadPayload;

        if (await AlreadyAppliedAsync(stripeEvent.Id, cancellationToken))
            return StripeWebhookResult.Duplicate;
        var effect = stripeEvent.Type switch
        {
            "checkout.session.completed" or "checkout.session.async_payment_succeeded" => await CheckoutCompletedAsync(objectId, cancellationToken),
            "payment_intent.succeeded" => await PaymentSucceededAsync(objectId, cancellationToken),
            "payment_intent.payment_failed" => await PaymentFailedAsync(objectId, cancellationToken),
            "charge.refunded" => await RefundedAsync(objectId, cancellationToken),
            "charge.dispute.created" => await DisputedAsync(objectId, cancellationToken),
            "charge.dispute.closed" or "charge.dispute.funds_reinstated" => await DisputeWonAsync(objectId, cancellationToken),
            _ => null,
        };
        if (effect is null)
        {
            LogIgnored(logger, stripeEvent.Type, stripeEvent.Id);
            return StripeWebhookResult.Ignored;
        }
        return await ApplyOnceAsync(stripeEvent, effect, cancellationToken);
    }

    private async Task<bool> AlreadyAppliedAsync(string eventId, CancellationToken cancellationToken)
    {
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        return await db.StripeEvents.AnyAsync(e => e.Id == eventId, cancellationToken);
    }

    private async Task<StripeWebhookResult> ApplyOnceAsync(StripeEventEnvelope stripeEvent, Effect effect, CancellationToken cancellationToken)
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
        var session = await stripe.GetCheckoutSessionAsync(sessionId, cancellationToken);
        var userId = session.Metadata?.GetValueOrDefault(StripeMetadata.UserId);
        if (userId is null)
            return null;
        if (session.Mode == "payment")
        {
            // An asynchronous payment method completes the session unpaid; its async_payment_succeeded event credits it.
            if (session.PaymentStatus != "paid" || session.PaymentIntent is not { } paymentIntent || !TryCredit(session.Metadata, out var credit)
                || !IsOurCurrency(session.Currency))
                return null;
            return (db, now, ct) => CreditAsync(db, userId, paymentIntent, StripePaymentPurpose.TopUp, session.AmountTotal ?? 0, credit, null, now, ct);
        }
        if (session.Mode == "setup" && session.Status == "complete" && session.SetupIntent is { } setupIntentId)
        {
            var setupIntent = await stripe.GetSetupIntentAsync(setupIntentId, cancellationToken);
            if (setupIntent.Status != "succeeded" || setupIntent.PaymentMethod is not { } paymentMethodId)
                return null;
            var card = (await stripe.GetPaymentMethodAsync(paymentMethodId, cancellationToken)).Card;
            var createdAt = DateTimeOffset.FromUnixTimeSeconds(setupIntent.Created);
            return async (db, now, ct) =>
            {
                var profile = await StripeCredits.ProfileAsync(db, userId, ct);
                // Events arrive in any order: a card saved before the one on file never replaces it.
                if (profile.CardSetupCreatedAt > createdAt)
                    return;
                profile.CardSetupCreatedAt = createdAt;
                profile.StripeCustomerId ??= session.Customer ?? setupIntent.Customer;
                profile.PaymentMethodId = paymentMethodId;
                profile.CardBrand = card?.Brand;
                profile.CardLast4 = card?.Last4;
                profile.AutoReloadFailure = null;
            };
        }
        return null;
    }

    private async Task<Effect?> PaymentSucceededAsync(string paymentIntentId, CancellationToken cancellationToken) =>
        CreditOf(await stripe.GetPaymentIntentAsync(paymentIntentId, cancellationToken));

    /// <summary>The credit a succeeded PaymentIntent of ours stands for, or null when it is not one.</summary>
    private Effect? CreditOf(StripePaymentIntent intent)
    {
        if (intent.Status != "succeeded" || intent.Metadata?.GetValueOrDefault(StripeMetadata.UserId) is not { } userId
            || !TryCredit(intent.Metadata, out var credit) || !IsOurCurrency(intent.Currency))
            return null;
        var reloadKey = intent.Metadata.GetValueOrDefault(StripeMetadata.ReloadKey);
        var purpose = reloadKey is null ? StripePaymentPurpose.TopUp : StripePaymentPurpose.AutoReload;
        return (db, now, ct) => CreditAsync(db, userId, intent.Id, purpose, intent.Amount, credit, reloadKey, now, ct);
    }

    private async Task<Effect?> PaymentFailedAsync(string paymentIntentId, CancellationToken cancellationToken)
    {
        var intent = await stripe.GetPaymentIntentAsync(paymentIntentId, cancellationToken);
        if (intent.Status == "succeeded" || intent.Metadata?.GetValueOrDefault(StripeMetadata.UserId) is not { } userId
            || intent.Metadata.GetValueOrDefault(StripeMetadata.ReloadKey) is not { } reloadKey)
            return null;
        var reason = intent.LastPaymentError?.Message ?? "The card was declined.";
        return (db, _, ct) => autoReloader.TurnOffAsync(db, userId, reloadKey, reason, ct);
    }

    private async Task<Effect?> RefundedAsync(string chargeId, CancellationToken cancellationToken)
    {
        var charge = await stripe.GetChargeAsync(chargeId, cancellationToken);
        if (charge.PaymentIntent is not { } paymentIntentId)
            return null;
        return await TakeBackAsync(paymentIntentId, charge.AmountRefunded, null, $"Stripe refund {charge.Id}", cancellationToken);
    }

    private async Task<Effect?> DisputedAsync(string disputeId, CancellationToken cancellationToken)
    {
        var dispute = await stripe.GetDisputeAsync(disputeId, cancellationToken);
        // An inquiry (warning_*) takes no money; only a real dispute withdraws it.
        if (dispute.Status?.StartsWith("warning_", StringComparison.Ordinal) == true)
            return null;
        var paymentIntentId = dispute.PaymentIntent
            ?? (dispute.Charge is { } chargeId ? (await stripe.GetChargeAsync(chargeId, cancellationToken)).PaymentIntent : null);
        if (paymentIntentId is null)
            return null;
        return await TakeBackAsync(paymentIntentId, null, (dispute.Id, dispute.Amount), $"Stripe dispute {dispute.Id}", cancellationToken);
    }

    /// <summary>A dispute closed as won (or its funds reinstated, whichever event comes first) credits back what it took, once.</summary>
    private async Task<Effect?> DisputeWonAsync(string disputeId, CancellationToken cancellationToken)
    {
        var dispute = await stripe.GetDisputeAsync(disputeId, cancellationToken);
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
                creditFirst = CreditOf(await stripe.GetPaymentIntentAsync(paymentIntentId, cancellationToken));
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
        long amountCents, long creditMicros, string? reloadKey, DateTimeOffset now, CancellationToken cancellationToken)
    {
        if (!await StripeCredits.CreditPaymentAsync(db, userId, paymentIntentId, purpose, amountCents, creditMicros, reloadKey, site.CurrentValue, now, cancellationToken))
            LogUnknownUser(logger, paymentIntentId);
    }

    private bool IsOurCurrency(string? currency) => string.Equals(currency, options.CurrentValue.Currency, StringComparison.OrdinalIgnoreCase);

    private static bool TryCredit(Dictionary<string, string>? metadata, out long creditMicros) =>
        long.TryParse(metadata?.GetValueOrDefault(StripeMetadata.CreditMicros), out creditMicros) && creditMicros > 0;

    private static bool IsUniqueViolation(DbUpdateException ex) => DatabaseEngines.IsUniqueViolation(ex);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Refused a Stripe webhook: signature {Check}.")]
    private static partial void LogBadSignature(ILogger logger, StripeSignatureCheck check);

    [LoggerMessage(Level = LogLevel.Debug, Message = "Stripe event {Type} {EventId} needs nothing from us.")]
    private static partial void LogIgnored(ILogger logger, string type, string eventId);

    [LoggerMessage(Level = LogLevel.Information, Message = "Applied Stripe event {Type} {EventId}.")]
    private static partial void LogApplied(ILogger logger, string type, string eventId);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Stripe payment {PaymentIntentId} names a user that does not exist; not credited.")]
    private static partial void LogUnknownUser(ILogger logger, string paymentIntentId);
}
