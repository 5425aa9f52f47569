using Microsoft.Extensions.Logging;
using TokenPortal.Core.Data.Entities;

namespace TokenPortal.Core.Billing;

/// <summary>
/// Writes a reservation the <see cref="ReservationBook"/> granted, behind the request that uses it, drawn from this server's
/// leases. Nobody waits for it; its settle comes after it in the same queue. When a lease was cut since the grant (a debit
/// took the money, or a survivor took this server for gone), it reserves only what is still free; its settle charges any
/// cost beyond that from whatever the balance has by then.
/// </summary>
internal sealed partial class ReserveOperation(Reservation reservation, ReservationBook book, ILogger logger) : LedgerOperation(CancellationToken.None)
{
    private readonly LeaseScope _user = new(reservation.UserId, 0);
    private readonly LeaseScope _key = new(reservation.UserId, reservation.ApiKeyId);
    private long? _userLease;
    private long? _keyLease;
    private SettleOperation? _settle;

    public Reservation Reservation => reservation;

    /// <summary>
    /// The reservation's settle is in the same transaction (a quick request, written in one commit): the two are written
    /// as their net effect, with no open reservation to insert and delete, when the leases still cover the reservation.
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
        var amount = reservation.AmountMicros;
        _userLease = await sql.TryDrawAsync(_user, amount);
        _keyLease = reservation.KeyLeased ? await sql.TryDrawAsync(_key, amount) : null;
        var keyDrawn = _keyLease is not null;
        if (_userLease is null || (reservation.KeyLeased && !keyDrawn))
            amount = await ShortenAsync(sql, amount);

        await sql.TakeAsync(reservation.UserId, amount, _userLease is null ? 0 : amount);
        if (reservation.ApiKeyId != 0)
            await sql.MoveOnKey.ExecuteAsync(0L, amount, keyDrawn ? amount : 0L, nowMs, reservation.ApiKeyId);
        sql.Drew(_user, _userLease is null ? 0 : amount);
        if (keyDrawn)
            sql.Drew(_key, amount);
        reservation.WrittenMicros = amount;
        // Even a reservation of nothing is written: its settle then charges what the request cost from whatever came in since.
        await sql.AppendAsync(reservation.UserId, LedgerEntryKind.Reserve, -amount, reservation.RequestId, nowMs);
        await sql.InsertOpenReservation.ExecuteAsync(reservation.RequestId, reservation.UserId, amount, reservation.ApiKeyId, nowMs, sql.InstanceId);
    }

    /// <summary>
    /// A lease no longer covers the grant: reserves what is free of the balance and the budget instead, and puts back
    /// into the leases that did cover it what the shorter reservation does not use.
    /// </summary>
    private async Task<long> ShortenAsync(LedgerStatements sql, long amount)
    {
        var covered = amount;
        if (_userLease is null)
            covered = Math.Min(covered, Math.Max(0, (await sql.ReadLeaseAsync(_user)).Free));
        if (reservation.KeyLeased && _keyLease is null && await sql.ReadLeaseAsync(_key) is { Unlimited: false } budget)
            covered = Math.Min(covered, Math.Max(0, budget.Free));
        if (covered < amount)
        {
            if (_userLease is not null)
                _userLease = await sql.UndrawAsync(_user, amount - covered);
            if (_keyLease is not null)
                _keyLease = await sql.UndrawAsync(_key, amount - covered);
            LogShortReservation(logger, reservation.RequestId, amount, covered);
        }
        return covered;
    }

    private async Task<bool> TryWriteWithSettleAsync(LedgerStatements sql, SettleOperation settle, long nowMs)
    {
        var amount = reservation.AmountMicros;
        // An overrun is settled on its own: it reads what else the balance and the key's budget can give.
        if (settle.Cost > amount || await sql.TryDrawAsync(_user, amount) is not { } userLease)
            return false;
        long? keyLease = null;
        if (reservation.KeyLeased && (keyLease = await sql.TryDrawAsync(_key, amount)) is null)
        {
            await sql.UndrawAsync(_user, amount);
            return false;
        }
        var charged = settle.Cost;
        // The whole reservation leaves the lease; what it did not cost goes back to the free balance.
        await sql.TakeAsync(reservation.UserId, charged, amount);
        if (reservation.ApiKeyId != 0)
            await sql.MoveOnKey.ExecuteAsync(charged, 0L, reservation.KeyLeased ? amount : 0L, nowMs, reservation.ApiKeyId);
        if (charged > 0)
            await sql.AppendReservedAndSettled.ExecuteAsync(reservation.UserId, amount, reservation.RequestId, nowMs, charged);
        else
            await sql.AppendReservedAndReleased.ExecuteAsync(reservation.UserId, amount, reservation.RequestId, nowMs);
        (_userLease, _keyLease) = (userLease, keyLease);
        sql.Drew(_user, amount);
        if (keyLease is not null)
            sql.Drew(_key, amount);
        reservation.WrittenMicros = amount;
        settle.WrittenWithReservation(charged);
        return true;
    }

    /// <summary>The settle written with it in a PostgreSQL batch: its own, when in the same batch and costing no more than the reservation.</summary>
    public SettleOperation? FastSettle => _settle is { } paired && paired.Cost <= reservation.AmountMicros ? paired : null;

    /// <summary>A PostgreSQL batch wrote it whole, drawn from the leases (left at these amounts), with its settle when given.</summary>
    public void WrittenFast(LedgerStatements sql, long? userLease, long? keyLease, SettleOperation? settle)
    {
        (_userLease, _keyLease) = (userLease, reservation.KeyLeased ? keyLease : null);
        sql.Drew(_user, reservation.AmountMicros);
        if (reservation.KeyLeased)
            sql.Drew(_key, reservation.AmountMicros);
        reservation.WrittenMicros = reservation.AmountMicros;
        settle?.WrittenWithReservation(settle.Cost);
    }

    public override void Publish()
    {
        book.Done(_user, reservation.AmountMicros, _userLease, forget: _userLease is null);
        if (reservation.ApiKeyId != 0)
            book.Done(_key, reservation.AmountMicros, _keyLease, forget: reservation.KeyLeased && _keyLease is null);
    }

    public override void Fail(Exception exception)
    {
        // The request already went upstream; with no reservation written its settle finds nothing to close and charges nothing.
        reservation.WrittenMicros = 0;
        book.Done(_user, reservation.AmountMicros, null, forget: true);
        if (reservation.ApiKeyId != 0)
            book.Done(_key, reservation.AmountMicros, null, forget: true);
        LogReservationLost(logger, exception, reservation.RequestId);
    }

    public override void Cancel() => Fail(new OperationCanceledException());

    [LoggerMessage(Level = LogLevel.Warning, Message = "Request {RequestId} was granted {Granted} micro-USD but only {Left} was free when its reservation was written: its lease had been cut.")]
    private static partial void LogShortReservation(ILogger logger, string requestId, long granted, long left);

    [LoggerMessage(Level = LogLevel.Error, Message = "The reservation of request {RequestId} could not be written; the request will not be charged.")]
    private static partial void LogReservationLost(ILogger logger, Exception exception, string requestId);
}
