using TokenPortal.Core.Data.Entities;

namespace TokenPortal.Core.Billing;

/// <summary>Closes a hold exactly once: charges <c>cost</c> (capped at what was held) and gives the rest back.</summary>
internal sealed class SettleOperation(Reservation reservation, long cost, HoldBook book, CancellationToken cancellationToken)
    : LedgerOperation<long?>(cancellationToken)
{
    private long _balance;
    private long? _budget;
    private long _keyUsed;
    private bool _closed;

    /// <summary>The amount charged, or null when the hold had already been closed or was never written (nothing done).</summary>
    public override async Task ExecuteAsync(LedgerStatements sql, long nowMs)
    {
        // Deleting the open reservation is what makes closing it happen once.
        _closed = await sql.CloseHold.ExecuteAsync(reservation.RequestId) != 0;
        if (!_closed)
        {
            Result = null;
            return;
        }
        var held = reservation.WrittenMicros;
        var charged = Math.Min(cost, held);
        _balance = (await sql.GiveBack.RowAsync(held - charged, reservation.UserId))?[0] ?? 0;
        await sql.AppendAsync(reservation.UserId, LedgerEntryKind.Release, held, reservation.RequestId, nowMs);
        if (charged > 0)
            await sql.AppendAsync(reservation.UserId, LedgerEntryKind.Settle, -charged, reservation.RequestId, nowMs);
        if (reservation.ApiKeyId != 0 && await sql.SettleKey.RowAsync(charged, held, nowMs, reservation.ApiKeyId) is { } key)
            (_budget, _keyUsed) = (key[0], key[1] ?? 0);
        Result = charged;
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
