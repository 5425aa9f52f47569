using Microsoft.EntityFrameworkCore;
using TokenPortal.Core.Billing.Stripe;
using TokenPortal.Core.Data;
using TokenPortal.Core.Data.Entities;

namespace TokenPortal.Core.Billing;

/// <inheritdoc />
internal sealed class LedgerHistory(IDbContextFactory<TokenPortalDbContext> dbFactory) : ILedgerHistory
{
    public async Task<(IReadOnlyList<CreditHistoryEntry> Rows, int TotalCount)> CreditsAsync(string userId, int skip, int take, CancellationToken cancellationToken)
    {
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        var query = db.Ledger.AsNoTracking()
            .Where(e => e.UserId == userId && (e.Kind == LedgerEntryKind.Credit || e.Kind == LedgerEntryKind.Adjustment || e.Kind == LedgerEntryKind.WriteOff));
        var total = await query.CountAsync(cancellationToken);
        var rows = await query.OrderByDescending(e => e.Id).Skip(Math.Max(0, skip)).Take(Math.Clamp(take, 1, 200))
            .Select(e => new { e.Id, e.CreatedAt, e.Kind, e.AmountMicros, e.Note })
            .ToListAsync(cancellationToken);

        // A card payment's credit names its PaymentIntent: the page's receipts are one lookup by primary key.
        var paymentOf = rows.Where(r => r.Kind == LedgerEntryKind.Credit)
            .Select(r => (r.Id, PaymentIntent: StripeCredits.PaymentIntentOf(r.Note)))
            .Where(x => x.PaymentIntent is not null)
            .ToDictionary(x => x.Id, x => x.PaymentIntent!);
        var intents = paymentOf.Values.ToList();
        var receipts = intents.Count == 0
            ? new Dictionary<string, string>()
            : await db.StripePayments.AsNoTracking()
                .Where(p => p.UserId == userId && intents.Contains(p.PaymentIntentId) && p.ReceiptUrl != null)
                .ToDictionaryAsync(p => p.PaymentIntentId, p => p.ReceiptUrl!, cancellationToken);
        var entries = rows.Select(r => new CreditHistoryEntry(r.Id, r.CreatedAt, r.Kind, r.AmountMicros, r.Note,
            paymentOf.TryGetValue(r.Id, out var paymentIntent) ? receipts.GetValueOrDefault(paymentIntent) : null)).ToList();
        return (entries, total);
    }
}
