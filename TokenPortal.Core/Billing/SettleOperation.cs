using TokenPortal.Core.Data.Entities;

namespace TokenPortal.Core.Billing;

/// <summary>
/// Closes a hold exactly once: charges the cost and gives the rest back. A cost above the hold (the upstream reported
/// more than was held) is taken from the rest of the balance, within the key's budget and per-request cap; only what
/// these cannot cover is written off. What the hold gives back first repays a claw-back (a refund that came in while
/// the request was in flight).
/// </summary>
internal sealed class SettleOperation(Reservation reservation, long cost, HoldBook book, CancellationToken cancellationToken)
    : LedgerOperation<Settlement?>(cancellationToken)
{
    private long _balance;
    private long? _budget;
    private long _keyUsed;
    private bool _closed;
    private bool _writtenWithHold;

    public Reservation Reservation => reservation;

    /// <summary>What the request cost, before any bound.</summary>
    public long Cost => cost;

    /// <summary>
    /// Its hold wrote both in this transaction (see <see cref="HoldOperation.Settle"/>); running it does nothing more.
    /// The hold tells the book the balance as both left it, at the hold's place in the batch; this settle, later in the
    /// batch, must not tell it again, since writes between the two have moved the balance on since.
    /// </summary>
    public void WrittenWithHold(long chargedMicros)
    {
        (_writtenWithHold, _closed) = (true, false);
        Result = new Settlement(chargedMicros, 0);
    }

    /// <summary>The transaction that wrote it with its hold did not commit: if run again, it runs on its own.</summary>
    public void Unpair() => _writtenWithHold = false;

    /// <summary>The settlement, or null when the hold had already been closed or was never written (nothing done).</summary>
    public override async Task ExecuteAsync(LedgerStatements sql, long nowMs)
    {
        if (_writtenWithHold)
            return;
        // Deleting the open reservation is what makes closing it happen once.
        var open = await sql.CloseHold.RowAsync(reservation.RequestId);
        _closed = open is not null;
        if (open is null)
        {
            Result = null;
            return;
        }
        var held = open[0] ?? 0;
        var clawback = open[1] ?? 0;
        var due = Math.Min(cost, reservation.CapMicros ?? long.MaxValue);
        var charge = due <= held ? due : held + await OverrunCoveredAsync(sql, due - held);

        var giveBack = held - charge;
        var recovered = Math.Clamp(clawback, 0, Math.Max(0, giveBack));
        _balance = (await sql.GiveBack.RowAsync(giveBack - recovered, reservation.UserId))?[0] ?? 0;
        await sql.AppendAsync(reservation.UserId, LedgerEntryKind.Release, held, reservation.RequestId, nowMs);
        if (cost > 0)
            await sql.AppendAsync(reservation.UserId, LedgerEntryKind.Settle, -cost, reservation.RequestId, nowMs);
        if (cost > charge)
            await sql.AppendAsync(reservation.UserId, LedgerEntryKind.WriteOff, cost - charge, reservation.RequestId, nowMs);
        if (recovered > 0)
            await sql.AppendAsync(reservation.UserId, LedgerEntryKind.Recovery, -recovered, reservation.RequestId, nowMs);
        if (reservation.ApiKeyId != 0 && await sql.SettleKey.RowAsync(charge, held, nowMs, reservation.ApiKeyId) is { } key)
            (_budget, _keyUsed) = (key[0], key[1] ?? 0);
        Result = new Settlement(charge, cost - charge);
    }

    /// <summary>
    /// How much of <paramref name="excess"/> the free balance (less what was granted to requests whose holds are still to be
    /// written) and the key's budget beyond what it already holds or spent cover.
    /// </summary>
    private async Task<long> OverrunCoveredAsync(LedgerStatements sql, long excess)
    {
        var room = await sql.ReadRoom.RowAsync(reservation.UserId, reservation.ApiKeyId);
        var promised = book.PendingOf(reservation.UserId) - sql.HeldInTransaction.GetValueOrDefault(reservation.UserId);
        var balance = (room?[0] ?? 0) - Math.Max(0, promised);
        var keyRoom = room?[1] is { } budget ? budget - (room[2] ?? 0) - (room[3] ?? 0) : long.MaxValue;
        return Math.Max(0, Math.Min(excess, Math.Min(balance, keyRoom)));
    }

    public override void Publish()
    {
        if (_closed)
            book.Settled(reservation, _balance, _budget, _keyUsed);
        base.Publish();
    }

    public override void Fail(Exception exception)
    {
        // What the settle would have left is unknown now: the next reserve reads the balance afresh.
        book.Forget(reservation.UserId);
        base.Fail(exception);
    }
}
