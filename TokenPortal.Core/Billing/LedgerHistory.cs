using Microsoft.EntityFrameworkCore;
using TokenPortal.Core.Data;
using TokenPortal.Core.Data.Entities;

namespace TokenPortal.Core.Billing;

/// <inheritdoc />
internal sealed class LedgerHistory(IDbContextFactory<TokenPortalDbContext> dbFactory) : ILedgerHistory
{
    public async Task<(IReadOnlyList<LedgerEntry> Rows, int TotalCount)> CreditsAsync(string userId, int skip, int take, CancellationToken cancellationToken)
    {
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        var query = db.Ledger.AsNoTracking()
            .Where(e => e.UserId == userId && (e.Kind == LedgerEntryKind.Credit || e.Kind == LedgerEntryKind.Adjustment || e.Kind == LedgerEntryKind.WriteOff));
        var total = await query.CountAsync(cancellationToken);
        var rows = await query.OrderByDescending(e => e.Id).Skip(Math.Max(0, skip)).Take(Math.Clamp(take, 1, 200)).ToListAsync(cancellationToken);
        return (rows, total);
    }
}
