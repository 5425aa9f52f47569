using Microsoft.Extensions.Logging;
using TokenPortal.Core.Data.Entities;

namespace TokenPortal.Core.Billing;

/// <summary>
/// Writes a hold the <see cref="HoldBook"/> granted, behind the request that uses it, drawn from this server's leases.
/// Nobody waits for it; its settle comes after it in the same queue. When a lease was cut since the grant (a debit took
/// the money, or a survivor took this server for gone), it holds only what is still free; its settle charges any cost
/// beyond that from whatever the balance has by then.
/// </summary>
internal sealed partial class HoldOperation(Reservation hold, HoldBook book, ILogger logger) : LedgerOperation(CancellationToken.None)
{
    private readonly LeaseScope _user = new(hold.UserId, 0);
    private readonly LeaseScope _key = new(hold.UserId, hold.ApiKeyId);
    private long? _userLease;
    private long? _keyLease;
    private SettleOperation? _settle;

    public Reservation Hold => hold;

    /// <summary>
    /// The hold's settle is in the same transaction (a quick request, written in one commit): the two are written as
    /// their net effect, with no open reservation to insert and delete, when the leases still cover the hold.
    /// </summary>
    public SettleOperation? Settle
    {
        set => _settle = value;
    }

    public override IEnumerable<LeaseScope> Scopes => [_key];

    public override async Task ExecuteAsync(LedgerStatements sql, long nowMs)
    {
        if (_settle is { } settle && await TryWriteWithSettleAsync(sql, settle, nowMs))
            return;
        var amount = hold.AmountMicros;
        _userLease = await sql.TryDrawAsync(_user, amount);
        _keyLease = hold.KeyLeased ? await sql.TryDrawAsync(_key, amount) : null;
        var keyDrawn = _keyLease is not null;
        if (_userLease is null || (hold.KeyLeased && !keyDrawn))
            amount = await ShortenAsync(sql, amount);

        await sql.TakeAsync(hold.UserId, amount, _userLease is null ? 0 : amount);
        if (hold.ApiKeyId != 0)
            await sql.MoveOnKey.ExecuteAsync(0L, amount, keyDrawn ? amount : 0L, nowMs, hold.ApiKeyId);
        sql.Drew(_user, _userLease is null ? 0 : amount);
        if (keyDrawn)
            sql.Drew(_key, amount);
        hold.WrittenMicros = amount;
        // Even a hold of nothing is written: its settle then charges what the request cost from whatever came in since.
        await sql.AppendAsync(hold.UserId, LedgerEntryKind.Reserve, -amount, hold.RequestId, nowMs);
        await sql.OpenHold.ExecuteAsync(hold.RequestId, hold.UserId, amount, hold.ApiKeyId, nowMs, sql.InstanceId);
    }

    /// <summary>
    /// A lease no longer covers the grant: holds what is free of the balance and the budget instead, and puts back into
    /// the leases that did cover it what the shorter hold does not use.
    /// </summary>
    private async Task<long> ShortenAsync(LedgerStatements sql, long amount)
    {
        var covered = amount;
        if (_userLease is null)
            covered = Math.Min(covered, Math.Max(0, (await sql.ReadLeaseAsync(_user)).Free));
        if (hold.KeyLeased && _keyLease is null && await sql.ReadLeaseAsync(_key) is { Unlimited: false } budget)
            covered = Math.Min(covered, Math.Max(0, budget.Free));
        if (covered < amount)
        {
            if (_userLease is not null)
                _userLease = await sql.UndrawAsync(_user, amount - covered);
            if (_keyLease is not null)
                _keyLease = await sql.UndrawAsync(_key, amount - covered);
            LogShortHold(logger, hold.RequestId, amount, covered);
        }
        return covered;
    }

    private async Task<bool> TryWriteWithSettleAsync(LedgerStatements sql, SettleOperation settle, long nowMs)
    {
        var amount = hold.AmountMicros;
        // An overrun is settled on its own: it reads what else the balance and the key's budget can give.
        if (settle.Cost > amount || await sql.TryDrawAsync(_user, amount) is not { } userLease)
            return false;
        long? keyLease = null;
        if (hold.KeyLeased && (keyLease = await sql.TryDrawAsync(_key, amount)) is null)
        {
            await sql.UndrawAsync(_user, amount);
            return false;
        }
        var charged = settle.Cost;
        // The whole hold leaves the lease; what it did not cost goes back to the free balance.
        await sql.TakeAsync(hold.UserId, charged, amount);
        if (hold.ApiKeyId != 0)
            await sql.MoveOnKey.ExecuteAsync(charged, 0L, hold.KeyLeased ? amount : 0L, nowMs, hold.ApiKeyId);
        if (charged > 0)
            await sql.AppendHeldAndSettled.ExecuteAsync(hold.UserId, amount, hold.RequestId, nowMs, charged);
        else
            await sql.AppendHeldAndReleased.ExecuteAsync(hold.UserId, amount, hold.RequestId, nowMs);
        (_userLease, _keyLease) = (userLease, keyLease);
        sql.Drew(_user, amount);
        if (keyLease is not null)
            sql.Drew(_key, amount);
        hold.WrittenMicros = amount;
        settle.WrittenWithHold(charged);
        return true;
    }

    /// <summary>The settle written with it in a PostgreSQL batch: its own, when in the same batch and costing no more than the hold.</summary>
    public SettleOperation? FastSettle => _settle is { } paired && paired.Cost <= hold.AmountMicros ? paired : null;

    /// <summary>A PostgreSQL batch wrote it whole, drawn from the leases (left at these amounts), with its settle when given.</summary>
    public void WrittenFast(LedgerStatements sql, long? userLease, long? keyLease, SettleOperation? settle)
    {
        (_userLease, _keyLease) = (userLease, hold.KeyLeased ? keyLease : null);
        sql.Drew(_user, hold.AmountMicros);
        if (hold.KeyLeased)
            sql.Drew(_key, hold.AmountMicros);
        hold.WrittenMicros = hold.AmountMicros;
        settle?.WrittenWithHold(settle.Cost);
    }

    public override void Publish()
    {
        book.Done(_user, hold.AmountMicros, _userLease, forget: _userLease is null);
        if (hold.ApiKeyId != 0)
            book.Done(_key, hold.AmountMicros, _keyLease, forget: hold.KeyLeased && _keyLease is null);
    }

    public override void Fail(Exception exception)
    {
        // The request already went upstream; with no hold written its settle finds nothing to close and charges nothing.
        hold.WrittenMicros = 0;
        book.Done(_user, hold.AmountMicros, null, forget: true);
        if (hold.ApiKeyId != 0)
            book.Done(_key, hold.AmountMicros, null, forget: true);
        LogHoldLost(logger, exception, hold.RequestId);
    }

    public override void Cancel() => Fail(new OperationCanceledException());

    [LoggerMessage(Level = LogLevel.Warning, Message = "Request {RequestId} was granted {Granted} micro-USD but only {Left} was free when its hold was written: its lease had been cut.")]
    private static partial void LogShortHold(ILogger logger, string requestId, long granted, long left);

    [LoggerMessage(Level = LogLevel.Error, Message = "The hold of request {RequestId} could not be written; the request will not be charged.")]
    private static partial void LogHoldLost(ILogger logger, Exception exception, string requestId);
}
