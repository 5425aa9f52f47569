using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging;
using TokenPortal.Core.Data;
using TokenPortal.Core.Data.Entities;

namespace TokenPortal.Core.Billing;

/// <inheritdoc />
internal sealed partial class Ledger(
    IDbContextFactory<TokenPortalDbContext> dbFactory,
    DatabaseWriteGate writeGate,
    LedgerWriter writer,
    ReservationBook book,
    ServerInstance server,
    TimeProvider clock,
    ILogger<Ledger> logger) : ILedger
{
    /// <summary>How often a reserve reads afresh when the book keeps changing under it (another writer busy with the user).</summary>
    private const int MaxRefreshes = 3;

    public Task<long> CreditAsync(string userId, long amountMicros, LedgerEntryKind kind, string? note, CancellationToken cancellationToken) =>
        ChangeBalanceAsync(userId, (db, now, ct) => LedgerCredits.AddAsync(db, userId, amountMicros, kind, note, now, ct), cancellationToken);

    public async Task<T> ChangeBalanceAsync<T>(string userId, Func<TokenPortalDbContext, DateTimeOffset, CancellationToken, Task<T>> change, CancellationToken cancellationToken)
    {
        T result;
        using (await writeGate.EnterAsync(cancellationToken))
        {
            await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
            await using var tx = await db.Database.BeginTransactionAsync(cancellationToken);
            result = await change(db, clock.GetUtcNow(), cancellationToken);
            await db.SaveChangesAsync(cancellationToken);
            await tx.CommitAsync(cancellationToken);
        }
        book.Forget(userId);
        return result;
    }

    public async Task<ReserveOutcome> TryReserveAsync(ReserveRequest request, CancellationToken cancellationToken)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(request.FloorMicros);
        ArgumentOutOfRangeException.ThrowIfLessThan(request.WorstCaseMicros, request.FloorMicros);
        // Most reserves fit whole in what this server leased and wait for nothing; the rest wait for a fresh lease.
        var outcome = book.TryGrant(request, exact: false) ?? await LeaseAndGrantAsync(request, cancellationToken);
        if (outcome.Reservation is { } reservation)
        {
            writer.Enqueue(new ReserveOperation(reservation, book, logger));
            // Backpressure: when writes fall behind, requests go at the database's pace instead of queueing without end.
            if (writer.Backlogged)
                await writer.FlushAsync();
        }
        return outcome;
    }

    /// <summary>
    /// Leases more and decides exactly. A refusal while other servers lease part of the balance waits for them: they give
    /// back what they do not use at every heartbeat, so money the user has is not refused for sitting in another server.
    /// </summary>
    private async Task<ReserveOutcome> LeaseAndGrantAsync(ReserveRequest request, CancellationToken cancellationToken)
    {
        var started = clock.GetTimestamp();
        for (var attempt = 1; ; attempt++)
        {
            var lease = await writer.RunAsync(new LeaseOperation(request, server, book, clock, cancellationToken));
            if (lease.Gone)
                throw new LedgerWriteException(new InvalidOperationException("This server was taken for gone by another; it rejoins at its next heartbeat."));
            var outcome = book.TryGrant(request, exact: true);
            if (outcome is { Reservation: not null })
                return outcome;
            if (outcome is not null && (!lease.OthersMayHave(outcome.Refusal) || clock.GetElapsedTime(started) > 2 * server.HeartbeatInterval))
                return outcome;
            if (outcome is null && attempt >= MaxRefreshes)
                throw new LedgerWriteException(new TimeoutException($"The balance of user {request.UserId} kept changing while reserving."));
            if (outcome is not null)
                await Task.Delay(server.HeartbeatInterval / 4, clock, cancellationToken);
        }
    }

    public Task<Settlement> SettleAsync(Reservation reservation, long costMicros, CancellationToken cancellationToken) =>
        SettleAsync(reservation, costMicros, urgent: true, cancellationToken);

    public Task<Settlement> SettleBehindAsync(Reservation reservation, long costMicros) =>
        SettleAsync(reservation, costMicros, urgent: false, CancellationToken.None);

    private async Task<Settlement> SettleAsync(Reservation reservation, long costMicros, bool urgent, CancellationToken cancellationToken)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(costMicros);
        // Once queued, a settle always runs: cancelling it would leave the reservation open until the next restart.
        cancellationToken.ThrowIfCancellationRequested();
        if (await writer.RunAsync(new SettleOperation(reservation, costMicros, book, CancellationToken.None), urgent) is not { } settled)
        {
            LogAlreadyClosed(logger, reservation.RequestId);
            return Settlement.None;
        }
        if (settled.WrittenOffMicros > 0)
            LogWrittenOff(logger, reservation.RequestId, costMicros, settled.ChargedMicros, settled.WrittenOffMicros);
        return settled;
    }

    public Task ReleaseAsync(Reservation reservation, CancellationToken cancellationToken) =>
        SettleAsync(reservation, 0, cancellationToken);

    public async Task<int> ReleaseAbandonedAsync(CancellationToken cancellationToken)
    {
        await writer.FlushAsync().WaitAsync(cancellationToken);
        List<OpenReservation> abandoned;
        await using (var db = await dbFactory.CreateDbContextAsync(cancellationToken))
        {
            using (await writeGate.EnterAsync(cancellationToken))
                await ServerLeases.ReturnThoseOfGoneServersAsync(db, server, clock.GetUtcNow(), cancellationToken);
            var live = db.Instances.Select(i => i.Id);
            abandoned = await db.OpenReservations.AsNoTracking().Where(r => !live.Contains(r.InstanceId)).ToListAsync(cancellationToken);
        }
        foreach (var open in abandoned)
            await ReleaseAsync(new Reservation(open.RequestId, open.UserId, open.AmountMicros, open.ApiKeyId), cancellationToken);
        if (abandoned.Count > 0)
            LogReleasedAbandoned(logger, abandoned.Count, abandoned.Sum(r => r.AmountMicros));
        return abandoned.Count;
    }

    public async Task<long> GetBalanceAsync(string userId, CancellationToken cancellationToken)
    {
        // Reservations and settles are written behind their requests: a read after an answer sees that answer's charge.
        await writer.FlushAsync().WaitAsync(cancellationToken);
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        return await db.Balances.Where(b => b.UserId == userId).Select(b => b.BalanceMicros).FirstOrDefaultAsync(cancellationToken);
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Request {RequestId} cost {CostMicros} micro-USD; the user's money covered {ChargedMicros} and {WrittenOffMicros} was written off.")]
    private static partial void LogWrittenOff(ILogger logger, string requestId, long costMicros, long chargedMicros, long writtenOffMicros);

    [LoggerMessage(Level = LogLevel.Error, Message = "Reservation {RequestId} was already closed; nothing charged twice.")]
    private static partial void LogAlreadyClosed(ILogger logger, string requestId);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Released {Count} reservations left open by a stopped server ({Micros} micro-USD).")]
    private static partial void LogReleasedAbandoned(ILogger logger, int count, long micros);
}
