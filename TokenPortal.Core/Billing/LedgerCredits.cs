using Microsoft.EntityFrameworkCore;
using TokenPortal.Core.Data;
using TokenPortal.Core.Data.Entities;

namespace TokenPortal.Core.Billing;

/// <summary>
/// Money in or out of a balance outside a request: grants, top-ups, refunds, disputes. Adds the rows to the
/// caller's context without saving, so a caller can make the credit part of its own transaction (a Stripe
/// event is recorded in the same commit as the credit it causes).
/// </summary>
internal static class LedgerCredits
{
    /// <summary>Adds the ledger rows and updates the tracked balance; returns the balance after the caller saves.</summary>
    public static async Task<long> AddAsync(TokenPortalDbContext db, string userId, long amountMicros, LedgerEntryKind kind, string? note,
        DateTimeOffset now, CancellationToken cancellationToken) =>
        (await AddWithWriteOffAsync(db, userId, amountMicros, kind, note, now, cancellationToken)).BalanceMicros;

    /// <summary><see cref="AddAsync"/>, also saying how much of a debit the balance could not cover (written off).</summary>
    public static async Task<(long BalanceMicros, long WrittenOffMicros)> AddWithWriteOffAsync(TokenPortalDbContext db, string userId, long amountMicros, LedgerEntryKind kind, string? note,
        DateTimeOffset now, CancellationToken cancellationToken)
    {
        if (kind is not (LedgerEntryKind.Credit or LedgerEntryKind.Adjustment))
            throw new ArgumentOutOfRangeException(nameof(kind), kind, "Only credits and adjustments change a balance directly.");
        if (kind == LedgerEntryKind.Credit && amountMicros <= 0)
            throw new ArgumentOutOfRangeException(nameof(amountMicros), amountMicros, "A credit must be positive.");

        // Local first: an earlier change in the same unit of work (a credit before its refund) may have added the row.
        var balance = db.Balances.Local.FirstOrDefault(b => b.UserId == userId)
            ?? await LockedBalance(db, userId).FirstOrDefaultAsync(cancellationToken);
        if (balance is null)
        {
            balance = new UserBalance { UserId = userId };
            db.Balances.Add(balance);
        }
        db.Ledger.Add(new LedgerEntry { UserId = userId, Kind = kind, AmountMicros = amountMicros, Note = note, CreatedAt = now });
        // A refunded top-up may already be spent: the ledger records the whole debit, the balance stops at zero,
        // and the part it could not cover is written off in a row of its own (sum of rows = balance, always).
        var shortfall = -(balance.BalanceMicros + amountMicros);
        if (shortfall > 0)
        {
            db.Ledger.Add(new LedgerEntry
            {
                UserId = userId, Kind = LedgerEntryKind.WriteOff, AmountMicros = shortfall, CreatedAt = now,
                Note = $"not recoverable: the balance was already spent{(note is null ? "" : $" ({note})")}",
            });
            amountMicros += shortfall;
            await ClawBackFromReservationsAsync(db, userId, shortfall, cancellationToken);
        }
        balance.BalanceMicros += amountMicros;
        if (balance.LeasedMicros > balance.BalanceMicros)
            await CutLeasesAsync(db, balance, cancellationToken);
        return (balance.BalanceMicros, Math.Max(0, shortfall));
    }

    /// <summary>
    /// The balance row, locked until the transaction ends where the database has row locks: the ledger's writer changes
    /// the same row meanwhile, and the absolute values saved here must not overwrite its changes. (SQLite has one writer.)
    /// </summary>
    private static IQueryable<UserBalance> LockedBalance(TokenPortalDbContext db, string userId) => db.Database.IsNpgsql()
        ? db.Balances.FromSqlRaw("""SELECT * FROM "Balances" WHERE "UserId" = {0} FOR UPDATE""", userId)
        : db.Balances.Where(b => b.UserId == userId);

    /// <summary>
    /// A debit took money servers had leased: their leases on the balance end, and a grant a server already made from
    /// one reserves what is still free when it is written (see <see cref="ReserveOperation"/>).
    /// </summary>
    private static async Task CutLeasesAsync(TokenPortalDbContext db, UserBalance balance, CancellationToken cancellationToken)
    {
        db.Leases.RemoveRange(await db.Leases.Where(l => l.UserId == balance.UserId && l.ApiKeyId == 0).ToListAsync(cancellationToken));
        balance.LeasedMicros = 0;
    }

    /// <summary>
    /// Money reserved by requests in flight is the user's too: what a debit could not take from the balance is owed from
    /// those reservations, oldest first, and taken from what each gives back when it settles (never from money that comes
    /// later).
    /// </summary>
    private static async Task ClawBackFromReservationsAsync(TokenPortalDbContext db, string userId, long owed, CancellationToken cancellationToken)
    {
        foreach (var reservation in await db.OpenReservations.Where(r => r.UserId == userId).OrderBy(r => r.CreatedAt).ToListAsync(cancellationToken))
        {
            var take = Math.Min(owed, reservation.AmountMicros - reservation.ClawbackMicros);
            if (take <= 0)
                continue;
            reservation.ClawbackMicros += take;
            owed -= take;
            if (owed == 0)
                return;
        }
    }
}
