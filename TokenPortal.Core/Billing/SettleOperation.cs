using TokenPortal.Core.Data.Entities;

namespace TokenPortal.Core.Billing;

/// <summary>Closes a hold exactly once: charges <c>charged</c> (already capped at the hold) and gives the rest back.</summary>
internal sealed class SettleOperation(Reservation reservation, long charged, CancellationToken cancellationToken) : LedgerOperation<long?>(cancellationToken)
{
    /// <summary>The amount charged, or null when the hold had already been closed (nothing done).</summary>
    public override async Task ExecuteAsync(LedgerStatements sql, long nowMs)
    {
        // Deleting the open reservation is what makes closing it happen once.
        if (await sql.CloseHold.ExecuteAsync(reservation.RequestId) == 0)
        {
            Result = null;
            return;
        }
        await sql.GiveBack.ExecuteAsync(reservation.AmountMicros - charged, reservation.UserId);
        await sql.AppendAsync(reservation.UserId, LedgerEntryKind.Release, reservation.AmountMicros, reservation.RequestId, nowMs);
        if (charged > 0)
            await sql.AppendAsync(reservation.UserId, LedgerEntryKind.Settle, -charged, reservation.RequestId, nowMs);
        if (reservation.ApiKeyId != 0)
            await sql.SettleKey.ExecuteAsync(charged, reservation.AmountMicros, nowMs, reservation.ApiKeyId);
        Result = charged;
    }
}
