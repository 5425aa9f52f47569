using TokenPortal.Core.Data.Entities;

namespace TokenPortal.Core.Billing;

/// <summary>Closes a hold exactly once: charges <c>charged</c> (capped at what was actually held) and gives the rest back.</summary>
internal sealed class SettleOperation(Reservation reservation, long charged, HoldBook book, CancellationToken cancellationToken)
    : LedgerOperation<long?>(cancellationToken)
{
    private long _balance;
    private long? _budget;
    private long _keyUsed;
    private bool _closed;
    private bool _writtenWithHold;

    public Reservation Reservation => reservation;

    /// <summary>What this settle charges, before the cap at what was actually held.</summary>
    public long Charge => charged;

    /// <summary>
    /// Its hold wrote both in this transaction (see <see cref="HoldOperation.Settle"/>); running it does nothing more.
    /// The hold tells the book the balance as both left it, at the hold's place in the batch; this settle, later in the
    /// batch, must not tell it again, since writes between the two have moved the balance on since.
    /// </summary>
    public void WrittenWithHold(long chargedMicros)
    {
        (_writtenWithHold, _closed) = (true, false);
        Result = chargedMicros;
    }

    /// <summary>The transaction that wrote it with its hold did not commit: if run again, it runs on its own.</summary>
    public void Unpair() => _writtenWithHold = false;

    /// <summary>The amount charged, or null when the hold had already been closed or was never written (nothing done).</summary>
    public override async Task ExecuteAsync(LedgerStatements sql, long nowMs)
    {
        if (_writtenWithHold)
            return;
        // Deleting the open reservation is what makes closing it happen once.
        _closed = await sql.CloseHold.ExecuteAsync(reservation.RequestId) != 0;
        if (!_closed)
        {
            Result = null;
            return;
        }
        var held = reservation.WrittenMicros;
        var charge = Math.Min(charged, held);
        _balance = (await sql.GiveBack.RowAsync(held - charge, reservation.UserId))?[0] ?? 0;
        await sql.AppendAsync(reservation.UserId, LedgerEntryKind.Release, held, reservation.RequestId, nowMs);
        if (charge > 0)
            await sql.AppendAsync(reservation.UserId, LedgerEntryKind.Settle, -charge, reservation.RequestId, nowMs);
        if (reservation.ApiKeyId != 0 && await sql.SettleKey.RowAsync(charge, held, nowMs, reservation.ApiKeyId) is { } key)
            (_budget, _keyUsed) = (key[0], key[1] ?? 0);
        Result = charge;
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
