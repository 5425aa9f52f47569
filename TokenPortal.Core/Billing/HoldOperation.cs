using Microsoft.Extensions.Logging;
using TokenPortal.Core.Data.Entities;

namespace TokenPortal.Core.Billing;

/// <summary>
/// Writes a hold the <see cref="HoldBook"/> granted, behind the request that uses it. Nobody waits for it; its settle
/// comes after it in the same queue. When another process took money since the book last looked, it holds only what
/// the balance still has; its settle charges any cost beyond that from whatever the balance has by then.
/// </summary>
internal sealed partial class HoldOperation(Reservation hold, HoldBook book, ILogger logger) : LedgerOperation(CancellationToken.None)
{
    private long _balance;
    private long? _budget;
    private long _keyUsed;
    private SettleOperation? _settle;

    public Reservation Hold => hold;

    /// <summary>
    /// The hold's settle is in the same transaction (a quick request, written in one commit): the two are written as
    /// their net effect, with no open reservation to insert and delete, when the balance still covers the hold.
    /// </summary>
    public SettleOperation? Settle
    {
        set => _settle = value;
    }

    public override async Task ExecuteAsync(LedgerStatements sql, long nowMs)
    {
        sql.HeldInTransaction[hold.UserId] = sql.HeldInTransaction.GetValueOrDefault(hold.UserId) + hold.AmountMicros;
        if (_settle is { } settle && await TryWriteWithSettleAsync(sql, settle, nowMs))
            return;
        var amount = hold.AmountMicros;
        var balance = (await sql.TakeFromBalance.RowAsync(amount, hold.UserId))?[0];
        if (balance is null)
        {
            var room = await sql.ReadRoom.RowAsync(hold.UserId, hold.ApiKeyId);
            var left = Math.Max(0, room?[0] ?? 0);
            // Until the key's figures come back from its update below, the book gets them as they are now.
            (_budget, _keyUsed) = (room?[1], (room?[2] ?? 0) + (room?[3] ?? 0));
            LogShortHold(logger, hold.RequestId, amount, left);
            amount = Math.Min(amount, left);
            balance = amount > 0 ? (await sql.TakeFromBalance.RowAsync(amount, hold.UserId))![0] : left;
        }
        hold.WrittenMicros = amount;
        _balance = balance ?? 0;
        // Even a hold of nothing is written: its settle then charges what the request cost from whatever came in since.
        if (hold.ApiKeyId != 0 && await sql.HoldOnKey.RowAsync(amount, hold.ApiKeyId) is { } key)
            (_budget, _keyUsed) = (key[0], key[1] ?? 0);
        await sql.AppendAsync(hold.UserId, LedgerEntryKind.Reserve, -amount, hold.RequestId, nowMs);
        await sql.OpenHold.ExecuteAsync(hold.RequestId, hold.UserId, amount, hold.ApiKeyId, nowMs);
    }

    private async Task<bool> TryWriteWithSettleAsync(LedgerStatements sql, SettleOperation settle, long nowMs)
    {
        var amount = hold.AmountMicros;
        // An overrun is settled on its own: it reads what else the balance and the key's budget can give.
        if (settle.Cost > amount)
            return false;
        var charged = settle.Cost;
        if (await sql.ChargeHeld.RowAsync(charged, hold.UserId, amount) is not { } row)
            return false;
        hold.WrittenMicros = amount;
        _balance = row[0] ?? 0;
        if (hold.ApiKeyId != 0 && await sql.SpendOnKey.RowAsync(charged, nowMs, hold.ApiKeyId) is { } key)
            (_budget, _keyUsed) = (key[0], key[1] ?? 0);
        if (charged > 0)
            await sql.AppendHeldAndSettled.ExecuteAsync(hold.UserId, amount, hold.RequestId, nowMs, charged);
        else
            await sql.AppendHeldAndReleased.ExecuteAsync(hold.UserId, amount, hold.RequestId, nowMs);
        settle.WrittenWithHold(charged);
        return true;
    }

    public override void Publish() => book.HoldWritten(hold, _balance, _budget, _keyUsed);

    public override void Fail(Exception exception)
    {
        // The request already went upstream; with no hold written its settle finds nothing to close and charges nothing.
        hold.WrittenMicros = 0;
        book.HoldLost(hold);
        LogHoldLost(logger, exception, hold.RequestId);
    }

    public override void Cancel() => Fail(new OperationCanceledException());

    [LoggerMessage(Level = LogLevel.Warning, Message = "Request {RequestId} was granted {Granted} micro-USD but only {Left} was left when its hold was written; another process spent the rest.")]
    private static partial void LogShortHold(ILogger logger, string requestId, long granted, long left);

    [LoggerMessage(Level = LogLevel.Error, Message = "The hold of request {RequestId} could not be written; the request will not be charged.")]
    private static partial void LogHoldLost(ILogger logger, Exception exception, string requestId);
}
