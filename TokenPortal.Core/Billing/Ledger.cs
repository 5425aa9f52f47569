using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging;
using TokenPortal.Core.Data;
using TokenPortal.Core.Data.Entities;

namespace TokenPortal.Core.Billing;

/// <inheritdoc />
internal sealed partial class Ledger(
    IDbContextFactory<TokenPortalDbContext> dbFactory,
    DatabaseWriteGate writeGate,
    TimeProvider clock,
    ILogger<Ledger> logger) : ILedger
{
    // A conditional update can lose a race on a server database; a few tries settle it.
    private const int ReserveAttempts = 3;

    public async Task<long> CreditAsync(string userId, long amountMicros, LedgerEntryKind kind, string? note, CancellationToken cancellationToken)
    {
        using var _ = await writeGate.EnterAsync(cancellationToken);
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        await using var tx = await db.Database.BeginTransactionAsync(cancellationToken);
        var balance = await LedgerCredits.AddAsync(db, userId, amountMicros, kind, note, clock.GetUtcNow(), cancellationToken);
        await db.SaveChangesAsync(cancellationToken);
        await tx.CommitAsync(cancellationToken);
        return balance;
    }

    public async Task<ReserveOutcome> TryReserveAsync(ReserveRequest request, CancellationToken cancellationToken)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(request.FloorMicros);
        ArgumentOutOfRangeException.ThrowIfLessThan(request.WorstCaseMicros, request.FloorMicros);

        using var _ = await writeGate.EnterAsync(cancellationToken);
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        await db.Database.OpenConnectionAsync(cancellationToken);
        var connection = db.Database.GetDbConnection();
        for (var attempt = 0; attempt < ReserveAttempts; attempt++)
        {
            await using var tx = await connection.BeginTransactionAsync(cancellationToken);
            var sql = new SqlSession(connection, tx);
            var balance = (long?)await sql.ScalarAsync(
                """SELECT "BalanceMicros" FROM "Balances" WHERE "UserId" = @user""", cancellationToken, ("user", request.UserId)) ?? 0;
            // Access pauses at $0: a zero-cost request still needs a positive balance.
            if (balance < request.FloorMicros || balance <= 0)
                return new ReserveOutcome(null, ReserveRefusal.Balance, balance);

            var keyRoom = long.MaxValue;
            if (request.ApiKeyId != 0)
            {
                var key = await sql.RowAsync("""SELECT "BudgetMicros", "SpentMicros", "ReservedMicros" FROM "ApiKeys" WHERE "Id" = @key""",
                    cancellationToken, ("key", request.ApiKeyId));
                if (key?[0] is { } budget)
                    keyRoom = budget - key[1]!.Value - key[2]!.Value;
                if (keyRoom < request.FloorMicros || keyRoom <= 0)
                    return new ReserveOutcome(null, ReserveRefusal.KeyBudget, Math.Max(0, keyRoom));
            }

            var amount = Math.Min(request.WorstCaseMicros, Math.Min(balance, keyRoom));
            var updated = await sql.ExecuteAsync(
                """UPDATE "Balances" SET "BalanceMicros" = "BalanceMicros" - @amount WHERE "UserId" = @user AND "BalanceMicros" >= @amount""",
                cancellationToken, ("amount", amount), ("user", request.UserId));
            if (updated == 1 && request.ApiKeyId != 0)
            {
                updated = await sql.ExecuteAsync(
                    """
                    UPDATE "ApiKeys" SET "ReservedMicros" = "ReservedMicros" + @amount
                    WHERE "Id" = @key AND ("BudgetMicros" IS NULL OR "BudgetMicros" - "SpentMicros" - "ReservedMicros" >= @amount)
                    """, cancellationToken, ("amount", amount), ("key", request.ApiKeyId));
            }
            if (updated == 0)
                continue;

            var now = clock.GetUtcNow().ToUnixTimeMilliseconds();
            await AppendAsync(sql, request.UserId, LedgerEntryKind.Reserve, -amount, request.RequestId, now, cancellationToken);
            await sql.ExecuteAsync(
                """INSERT INTO "OpenReservations" ("RequestId", "UserId", "AmountMicros", "ApiKeyId", "CreatedAt") VALUES (@request, @user, @amount, @key, @now)""",
                cancellationToken, ("request", request.RequestId), ("user", request.UserId), ("amount", amount), ("key", request.ApiKeyId), ("now", now));
            await tx.CommitAsync(cancellationToken);
            return new ReserveOutcome(new Reservation(request.RequestId, request.UserId, amount, request.ApiKeyId), ReserveRefusal.None, amount);
        }
        return new ReserveOutcome(null, ReserveRefusal.Balance, 0);
    }

    public async Task<long> SettleAsync(Reservation reservation, long costMicros, CancellationToken cancellationToken)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(costMicros);
        // The user never owes more than was held; an upstream that overran its bound is the operator's loss.
        var charged = Math.Min(costMicros, reservation.AmountMicros);
        if (charged < costMicros)
            LogChargeCapped(logger, reservation.RequestId, costMicros, charged);

        using var _ = await writeGate.EnterAsync(cancellationToken);
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        await db.Database.OpenConnectionAsync(cancellationToken);
        var connection = db.Database.GetDbConnection();
        await using var tx = await connection.BeginTransactionAsync(cancellationToken);
        var sql = new SqlSession(connection, tx);

        // Deleting the open reservation is what makes closing it happen once.
        var closed = await sql.ExecuteAsync("""DELETE FROM "OpenReservations" WHERE "RequestId" = @request""",
            cancellationToken, ("request", reservation.RequestId));
        if (closed == 0)
        {
            LogAlreadyClosed(logger, reservation.RequestId);
            return 0;
        }

        var now = clock.GetUtcNow().ToUnixTimeMilliseconds();
        await sql.ExecuteAsync("""UPDATE "Balances" SET "BalanceMicros" = "BalanceMicros" + @refund WHERE "UserId" = @user""",
            cancellationToken, ("refund", reservation.AmountMicros - charged), ("user", reservation.UserId));
        await AppendAsync(sql, reservation.UserId, LedgerEntryKind.Release, reservation.AmountMicros, reservation.RequestId, now, cancellationToken);
        if (charged > 0)
            await AppendAsync(sql, reservation.UserId, LedgerEntryKind.Settle, -charged, reservation.RequestId, now, cancellationToken);
        if (reservation.ApiKeyId != 0)
        {
            await sql.ExecuteAsync(
                """
                UPDATE "ApiKeys" SET "SpentMicros" = "SpentMicros" + @charged, "ReservedMicros" = "ReservedMicros" - @held, "LastUsedAt" = @now
                WHERE "Id" = @key
                """, cancellationToken, ("charged", charged), ("held", reservation.AmountMicros), ("now", now), ("key", reservation.ApiKeyId));
        }
        await tx.CommitAsync(cancellationToken);
        return charged;
    }

    private static Task AppendAsync(SqlSession sql, string userId, LedgerEntryKind kind, long amount, string requestId, long now, CancellationToken cancellationToken) =>
        sql.ExecuteAsync(
            """INSERT INTO "Ledger" ("UserId", "Kind", "AmountMicros", "RequestId", "CreatedAt") VALUES (@user, @kind, @amount, @request, @now)""",
            cancellationToken, ("user", userId), ("kind", (int)kind), ("amount", amount), ("request", requestId), ("now", now));

    public Task ReleaseAsync(Reservation reservation, CancellationToken cancellationToken) =>
        SettleAsync(reservation, 0, cancellationToken);

    public async Task<int> ReleaseAbandonedAsync(CancellationToken cancellationToken)
    {
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        var abandoned = await db.OpenReservations.AsNoTracking().ToListAsync(cancellationToken);
        foreach (var open in abandoned)
            await ReleaseAsync(new Reservation(open.RequestId, open.UserId, open.AmountMicros, open.ApiKeyId), cancellationToken);
        if (abandoned.Count > 0)
            LogReleasedAbandoned(logger, abandoned.Count, abandoned.Sum(r => r.AmountMicros));
        return abandoned.Count;
    }

    public async Task<long> GetBalanceAsync(string userId, CancellationToken cancellationToken)
    {
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        return await db.Balances.Where(b => b.UserId == userId).Select(b => b.BalanceMicros).FirstOrDefaultAsync(cancellationToken);
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Request {RequestId} cost {CostMicros} micro-USD, more than its reservation; charged {ChargedMicros}.")]
    private static partial void LogChargeCapped(ILogger logger, string requestId, long costMicros, long chargedMicros);

    [LoggerMessage(Level = LogLevel.Error, Message = "Reservation {RequestId} was already closed; nothing charged twice.")]
    private static partial void LogAlreadyClosed(ILogger logger, string requestId);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Released {Count} reservations left open by a stopped process ({Micros} micro-USD).")]
    private static partial void LogReleasedAbandoned(ILogger logger, int count, long micros);
}
