using TokenPortal.Core.Data.Entities;

namespace TokenPortal.Core.Billing;

/// <summary>Holds as much of the worst case as the balance and the key's budget allow, at least the floor.</summary>
internal sealed class ReserveOperation(ReserveRequest request, CancellationToken cancellationToken) : LedgerOperation<ReserveOutcome>(cancellationToken)
{
    public override async Task ExecuteAsync(LedgerStatements sql, long nowMs)
    {
        var room = await sql.ReadRoom.RowAsync(request.UserId, request.ApiKeyId);
        var balance = room?[0] ?? 0;
        // Access pauses at $0: a zero-cost request still needs a positive balance.
        if (balance < request.FloorMicros || balance <= 0)
        {
            Result = new ReserveOutcome(null, ReserveRefusal.Balance, balance);
            return;
        }
        var keyRoom = long.MaxValue;
        if (request.ApiKeyId != 0 && room?[1] is { } budget)
        {
            keyRoom = budget - room[2]!.Value - room[3]!.Value;
            if (keyRoom < request.FloorMicros || keyRoom <= 0)
            {
                Result = new ReserveOutcome(null, ReserveRefusal.KeyBudget, Math.Max(0, keyRoom));
                return;
            }
        }

        var amount = Math.Min(request.WorstCaseMicros, Math.Min(balance, keyRoom));
        // The conditions only fail if another process wrote between the read and here; refuse rather than overspend.
        if (await sql.TakeFromBalance.ExecuteAsync(amount, request.UserId) != 1
            || request.ApiKeyId != 0 && await sql.HoldOnKey.ExecuteAsync(amount, request.ApiKeyId) != 1)
            throw new LedgerConflictException(request.RequestId);
        await sql.AppendAsync(request.UserId, LedgerEntryKind.Reserve, -amount, request.RequestId, nowMs);
        await sql.OpenHold.ExecuteAsync(request.RequestId, request.UserId, amount, request.ApiKeyId, nowMs);
        Result = new ReserveOutcome(new Reservation(request.RequestId, request.UserId, amount, request.ApiKeyId), ReserveRefusal.None, amount);
    }

    /// <summary>A conflict that persisted on its own retry is a refusal, as if the money were not there; other faults go to the caller.</summary>
    public override void Fail(Exception exception)
    {
        if (exception is LedgerConflictException || exception.InnerException is LedgerConflictException)
        {
            Result = new ReserveOutcome(null, ReserveRefusal.Balance, 0);
            Publish();
        }
        else
        {
            base.Fail(exception);
        }
    }
}
