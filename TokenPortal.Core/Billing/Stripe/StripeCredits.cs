using Microsoft.EntityFrameworkCore;
using Stripe;
using TokenPortal.Core.Accounts;
using TokenPortal.Core.Configuration;
using TokenPortal.Core.Data;
using TokenPortal.Core.Data.Entities;

namespace TokenPortal.Core.Billing.Stripe;

/// <summary>
/// Changes a Stripe payment makes, added to the caller's context so they commit with whatever else the caller records
/// (a webhook's event id). A payment credits once, keyed by its PaymentIntent, whichever path reports it first.
/// </summary>
internal static class StripeCredits
{
    private const string TopUpNote = "Stripe top-up ";
    private const string AutoReloadNote = "Auto-reload ";

    /// <summary>
    /// Credits the payment unless it already was, with the signup credit when the site grants it on a first payment;
    /// false when its user does not exist (nothing done). The payment keeps Stripe's receipt for its charge: a payment
    /// credited without one (an older row, or a report that lacked the charge) takes the first one a later report brings,
    /// and a receipt once stored never changes.
    /// </summary>
    public static async Task<bool> CreditPaymentAsync(TokenPortalDbContext db, string userId, string paymentIntentId, StripePaymentPurpose purpose,
        long amountCents, long creditMicros, string? receiptUrl, string? reloadKey, TokenPortalOptions site, DateTimeOffset now, CancellationToken cancellationToken)
    {
        if (await db.StripePayments.FindAsync([paymentIntentId], cancellationToken) is { } credited)
        {
            credited.ReceiptUrl ??= receiptUrl;
            return true;
        }
        if (!await db.Users.AnyAsync(u => u.Id == userId, cancellationToken))
            return false;
        db.StripePayments.Add(new StripePayment
        {
            PaymentIntentId = paymentIntentId, UserId = userId, Purpose = purpose, AmountCents = amountCents, CreditMicros = creditMicros,
            ReceiptUrl = receiptUrl, CreatedAt = now,
        });
        await LedgerCredits.AddAsync(db, userId, creditMicros, LedgerEntryKind.Credit, PaymentNote(purpose, paymentIntentId), now, cancellationToken);
        await SignupCredit.AddIfDueAsync(db, userId, SignupCreditRequirement.FirstPayment, site, now, cancellationToken);
        if (reloadKey is not null)
            await FinishReloadAsync(db, userId, reloadKey, cancellationToken);
        return true;
    }

    /// <summary>The note on a payment's ledger credit; the history finds the payment (and its receipt) again through it.</summary>
    public static string PaymentNote(StripePaymentPurpose purpose, string paymentIntentId) =>
        (purpose == StripePaymentPurpose.AutoReload ? AutoReloadNote : TopUpNote) + paymentIntentId;

    /// <summary>The PaymentIntent a ledger note of <see cref="PaymentNote"/> names, or null for any other note.</summary>
    public static string? PaymentIntentOf(string? note) =>
        note is null ? null
        : note.StartsWith(TopUpNote, StringComparison.Ordinal) ? note[TopUpNote.Length..]
        : note.StartsWith(AutoReloadNote, StringComparison.Ordinal) ? note[AutoReloadNote.Length..]
        : null;

    /// <summary>
    /// The receipt link of a charge as Stripe gave it, when it is one we can show: an absolute http(s) address that fits
    /// its column (a longer one would fail the whole event's transaction). Anything else is no receipt, never a broken link.
    /// </summary>
    public static string? ReceiptOf(Charge? charge) =>
        charge?.ReceiptUrl is { Length: > 0 and <= StripePayment.ReceiptUrlMaxLength } url
        && Uri.TryCreate(url, UriKind.Absolute, out var uri) && (uri.Scheme == Uri.UriSchemeHttps || uri.Scheme == Uri.UriSchemeHttp)
            ? url
            : null;

    /// <summary>The reload's credit arrived, so the next may start.</summary>
    public static async Task FinishReloadAsync(TokenPortalDbContext db, string userId, string reloadKey, CancellationToken cancellationToken)
    {
        var profile = await db.BillingProfiles.FirstOrDefaultAsync(p => p.UserId == userId, cancellationToken);
        if (profile?.ReloadInFlight == reloadKey)
        {
            profile.ReloadInFlight = null;
            profile.ReloadStartedAt = null;
        }
    }

    public static async Task<BillingProfile> ProfileAsync(TokenPortalDbContext db, string userId, CancellationToken cancellationToken)
    {
        var profile = await db.BillingProfiles.FirstOrDefaultAsync(p => p.UserId == userId, cancellationToken);
        if (profile is null)
        {
            profile = new BillingProfile { UserId = userId };
            db.BillingProfiles.Add(profile);
        }
        return profile;
    }

    /// <summary>
    /// Debits what the payment's refunds and dispute newly take back. Refunds are Stripe's running total; a dispute is
    /// debited once. Together they never take back more than the payment credited.
    /// </summary>
    public static async Task TakeBackAsync(TokenPortalDbContext db, StripePayment payment, long refundedCents, (string Id, long Cents)? dispute, string note,
        DateTimeOffset now, CancellationToken cancellationToken)
    {
        var before = payment.RefundedCents + payment.DisputedCents;
        payment.RefundedCents = Math.Max(payment.RefundedCents, refundedCents);
        if (dispute is { } d && payment.DisputeId is null)
        {
            payment.DisputeId = d.Id;
            payment.DisputedCents = Math.Clamp(d.Cents, 0, Math.Max(0, payment.AmountCents - payment.RefundedCents));
        }
        var after = payment.RefundedCents + payment.DisputedCents;
        var debit = StripeAmounts.CreditShare(payment.CreditMicros, payment.AmountCents, after)
            - StripeAmounts.CreditShare(payment.CreditMicros, payment.AmountCents, before);
        if (debit <= 0)
            return;
        var (_, writtenOff) = await LedgerCredits.AddWithWriteOffAsync(db, payment.UserId, -debit, LedgerEntryKind.Adjustment, note, now, cancellationToken);
        if (dispute is not null)
            payment.DisputeUncoveredMicros = writtenOff;
    }

    /// <summary>
    /// The operator won the dispute (Stripe reinstated the funds): gives back, once, what the dispute actually took. The
    /// part it could not take (already spent) stays as it is: the payment that stands paid for it.
    /// </summary>
    public static async Task ReinstateDisputeAsync(TokenPortalDbContext db, StripePayment payment, string note, DateTimeOffset now,
        CancellationToken cancellationToken)
    {
        if (payment.DisputedCents <= 0)
            return;
        var taken = StripeAmounts.CreditShare(payment.CreditMicros, payment.AmountCents, payment.RefundedCents + payment.DisputedCents)
            - StripeAmounts.CreditShare(payment.CreditMicros, payment.AmountCents, payment.RefundedCents);
        var giveBack = taken - payment.DisputeUncoveredMicros;
        payment.DisputedCents = 0;
        payment.DisputeUncoveredMicros = 0;
        if (giveBack > 0)
            await LedgerCredits.AddAsync(db, payment.UserId, giveBack, LedgerEntryKind.Adjustment, note, now, cancellationToken);
    }
}
