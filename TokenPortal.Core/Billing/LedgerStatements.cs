using System.Data.Common;
using TokenPortal.Core.Data;
using TokenPortal.Core.Data.Entities;

namespace TokenPortal.Core.Billing;

/// <summary>
/// The hot path's ledger statements, each prepared once on the writer's connection and reused for every lease,
/// reservation and settle: SQLite compiles them once instead of per request. Identifiers quoted and parameters
/// positional, which SQLite and PostgreSQL read the same way.
/// </summary>
internal sealed class LedgerStatements : IAsyncDisposable
{
    private PreparedCommand[] _all = [];

    private LedgerStatements()
    {
    }

    public PreparedCommand Heartbeat { get; private set; } = null!;

    /// <summary>One row always: the user's balance and leased sum (null when no balance), and this server's lease on it.</summary>
    public PreparedCommand ReadBalanceLease { get; private set; } = null!;

    /// <summary>One row always: the key's budget, spent plus reserved, and leased sum, and this server's lease on it.</summary>
    public PreparedCommand ReadBudgetLease { get; private set; } = null!;

    /// <summary>Leases the amount when the balance has that much not leased; no row changed when it has not.</summary>
    public PreparedCommand LeaseBalance { get; private set; } = null!;

    /// <summary>Leases the amount when the key's budget has that much neither spent, reserved nor leased.</summary>
    public PreparedCommand LeaseBudget { get; private set; } = null!;

    /// <summary>Adds to this server's lease row (creating it), returning the lease.</summary>
    public PreparedCommand AddToLease { get; private set; } = null!;

    /// <summary>Takes the amount from this server's lease when it has that much, returning what is left; no row when not.</summary>
    public PreparedCommand DrawFromLease { get; private set; } = null!;

    /// <summary>
    /// Takes @p0 from the balance, @p1 of it out of leased money (a negative @p0 gives back), when the money not leased
    /// covers the rest; returns the new balance, no row when not covered.
    /// </summary>
    public PreparedCommand TakeFromBalance { get; private set; } = null!;

    /// <summary>Adds @p0 to the key's spent and @p1 to its reserved, takes @p2 from its leased, and marks it used.</summary>
    public PreparedCommand MoveOnKey { get; private set; } = null!;

    public PreparedCommand Append { get; private set; } = null!;

    public PreparedCommand InsertOpenReservation { get; private set; } = null!;

    /// <summary>Deletes the open reservation, returning its amount and its claw-back; no row when it was already closed.</summary>
    public PreparedCommand DeleteOpenReservation { get; private set; } = null!;

    /// <summary>The Reserve, Release and Settle rows of a reservation settled in the same transaction, in one statement.</summary>
    public PreparedCommand AppendReservedAndSettled { get; private set; } = null!;

    /// <summary>The Reserve and Release rows of a reservation released in the same transaction.</summary>
    public PreparedCommand AppendReservedAndReleased { get; private set; } = null!;

    /// <summary>
    /// Per lease, what writes in the transaction now open drew from it for grants (and claims) the book still counts as
    /// pending until the commit: the lease the statements read has them taken already.
    /// </summary>
    public Dictionary<LeaseScope, long> DrawnInTransaction { get; } = [];

    /// <summary>This server's name, which its reservations and leases carry.</summary>
    public string InstanceId { get; set; } = "";

    public static async Task<LedgerStatements> PrepareAsync(DbConnection connection)
    {
        var s = new LedgerStatements
        {
            Heartbeat = await PreparedCommand.CreateAsync(connection,
                """UPDATE "Instances" SET "HeartbeatAt" = @p0 WHERE "Id" = @p1""", parameterCount: 2),
            ReadBalanceLease = await PreparedCommand.CreateAsync(connection, """
                SELECT b."BalanceMicros", b."LeasedMicros", l."AmountMicros"
                FROM (SELECT 1 AS "One") AS one
                LEFT JOIN "Balances" AS b ON b."UserId" = @p0
                LEFT JOIN "Leases" AS l ON l."InstanceId" = @p1 AND l."UserId" = @p0 AND l."ApiKeyId" = 0
                """, parameterCount: 2),
            ReadBudgetLease = await PreparedCommand.CreateAsync(connection, """
                SELECT k."BudgetMicros", k."SpentMicros" + k."ReservedMicros", k."LeasedMicros", l."AmountMicros"
                FROM (SELECT 1 AS "One") AS one
                LEFT JOIN "ApiKeys" AS k ON k."Id" = @p0
                LEFT JOIN "Leases" AS l ON l."InstanceId" = @p1 AND l."ApiKeyId" = @p0
                """, parameterCount: 2),
            LeaseBalance = await PreparedCommand.CreateAsync(connection, """
                UPDATE "Balances" SET "LeasedMicros" = "LeasedMicros" + @p0 WHERE "UserId" = @p1 AND "BalanceMicros" - "LeasedMicros" >= @p0
                """, parameterCount: 2),
            LeaseBudget = await PreparedCommand.CreateAsync(connection, """
                UPDATE "ApiKeys" SET "LeasedMicros" = "LeasedMicros" + @p0
                WHERE "Id" = @p1 AND "BudgetMicros" - "SpentMicros" - "ReservedMicros" - "LeasedMicros" >= @p0
                """, parameterCount: 2),
            AddToLease = await PreparedCommand.CreateAsync(connection, """
                INSERT INTO "Leases" ("InstanceId", "UserId", "ApiKeyId", "AmountMicros") VALUES (@p0, @p1, @p2, @p3)
                ON CONFLICT ("InstanceId", "UserId", "ApiKeyId") DO UPDATE SET "AmountMicros" = "Leases"."AmountMicros" + excluded."AmountMicros"
                RETURNING "AmountMicros"
                """, parameterCount: 4),
            DrawFromLease = await PreparedCommand.CreateAsync(connection, """
                UPDATE "Leases" SET "AmountMicros" = "AmountMicros" - @p0
                WHERE "InstanceId" = @p1 AND "UserId" = @p2 AND "ApiKeyId" = @p3 AND "AmountMicros" >= @p0
                RETURNING "AmountMicros"
                """, parameterCount: 4),
            TakeFromBalance = await PreparedCommand.CreateAsync(connection, """
                UPDATE "Balances" SET "BalanceMicros" = "BalanceMicros" - @p0, "LeasedMicros" = "LeasedMicros" - @p1
                WHERE "UserId" = @p2 AND "BalanceMicros" - "LeasedMicros" + @p1 >= @p0
                RETURNING "BalanceMicros"
                """, parameterCount: 3),
            MoveOnKey = await PreparedCommand.CreateAsync(connection, """
                UPDATE "ApiKeys" SET "SpentMicros" = "SpentMicros" + @p0, "ReservedMicros" = "ReservedMicros" + @p1,
                    "LeasedMicros" = "LeasedMicros" - @p2, "LastUsedAt" = @p3
                WHERE "Id" = @p4
                """, parameterCount: 5),
            Append = await PreparedCommand.CreateAsync(connection,
                """INSERT INTO "Ledger" ("UserId", "Kind", "AmountMicros", "RequestId", "CreatedAt") VALUES (@p0, @p1, @p2, @p3, @p4)""", parameterCount: 5),
            InsertOpenReservation = await PreparedCommand.CreateAsync(connection, """
                INSERT INTO "OpenReservations" ("RequestId", "UserId", "AmountMicros", "ApiKeyId", "CreatedAt", "ClawbackMicros", "InstanceId")
                VALUES (@p0, @p1, @p2, @p3, @p4, 0, @p5)
                """, parameterCount: 6),
            DeleteOpenReservation = await PreparedCommand.CreateAsync(connection,
                """DELETE FROM "OpenReservations" WHERE "RequestId" = @p0 RETURNING "AmountMicros", "ClawbackMicros" """, parameterCount: 1),
            AppendReservedAndSettled = await PreparedCommand.CreateAsync(connection, $"""
                INSERT INTO "Ledger" ("UserId", "Kind", "AmountMicros", "RequestId", "CreatedAt")
                VALUES (@p0, {(int)LedgerEntryKind.Reserve}, -@p1, @p2, @p3), (@p0, {(int)LedgerEntryKind.Release}, @p1, @p2, @p3), (@p0, {(int)LedgerEntryKind.Settle}, -@p4, @p2, @p3)
                """, parameterCount: 5),
            AppendReservedAndReleased = await PreparedCommand.CreateAsync(connection, $"""
                INSERT INTO "Ledger" ("UserId", "Kind", "AmountMicros", "RequestId", "CreatedAt")
                VALUES (@p0, {(int)LedgerEntryKind.Reserve}, -@p1, @p2, @p3), (@p0, {(int)LedgerEntryKind.Release}, @p1, @p2, @p3)
                """, parameterCount: 4),
        };
        s._all = [s.Heartbeat, s.ReadBalanceLease, s.ReadBudgetLease, s.LeaseBalance, s.LeaseBudget, s.AddToLease, s.DrawFromLease,
            s.TakeFromBalance, s.MoveOnKey, s.Append, s.InsertOpenReservation, s.DeleteOpenReservation, s.AppendReservedAndSettled, s.AppendReservedAndReleased];
        return s;
    }

    /// <summary>What the database says of a lease's scope right now.</summary>
    public async Task<LeaseRoom> ReadLeaseAsync(LeaseScope scope)
    {
        if (!scope.IsKey)
        {
            var b = await ReadBalanceLease.RowAsync(scope.UserId, InstanceId);
            var (balance, leased, own) = (b?[0] ?? 0, b?[1] ?? 0, b?[2] ?? 0);
            return new LeaseRoom(Unlimited: false, Free: balance - leased, Own: own, Others: leased - own);
        }
        var k = await ReadBudgetLease.RowAsync(scope.ApiKeyId, InstanceId);
        var (budget, used, keyLeased, keyOwn) = (k?[0], k?[1] ?? 0, k?[2] ?? 0, k?[3] ?? 0);
        return new LeaseRoom(Unlimited: budget is null, Free: (budget ?? 0) - used - keyLeased, Own: keyOwn, Others: keyLeased - keyOwn);
    }

    /// <summary>Leases <paramref name="amount"/> more when it is free; the lease after, or null when another server leased it first.</summary>
    public async Task<long?> TryExtendLeaseAsync(LeaseScope scope, long amount)
    {
        var leased = scope.IsKey
            ? await LeaseBudget.ExecuteAsync(amount, scope.ApiKeyId)
            : await LeaseBalance.ExecuteAsync(amount, scope.UserId);
        if (leased == 0)
            return null;
        return (await AddToLease.RowAsync(InstanceId, scope.UserId, scope.ApiKeyId, amount))![0];
    }

    /// <summary>Takes <paramref name="amount"/> out of this server's lease row only; the lease after, or null when it has less.</summary>
    public async Task<long?> TryDrawAsync(LeaseScope scope, long amount) =>
        (await DrawFromLease.RowAsync(amount, InstanceId, scope.UserId, scope.ApiKeyId))?[0];

    /// <summary>Puts back into this server's lease row what a draw took and the write did not use; the lease after.</summary>
    public async Task<long> UndrawAsync(LeaseScope scope, long amount) =>
        (await AddToLease.RowAsync(InstanceId, scope.UserId, scope.ApiKeyId, amount))![0] ?? 0;

    /// <summary>Counts <paramref name="amount"/> drawn from the lease in this transaction (see <see cref="DrawnInTransaction"/>).</summary>
    public void Drew(LeaseScope scope, long amount) =>
        DrawnInTransaction[scope] = DrawnInTransaction.GetValueOrDefault(scope) + amount;

    /// <summary>Gives <paramref name="amount"/> of this server's lease back to the balance or budget; the lease after, or null when it has less.</summary>
    public async Task<long?> ReturnLeaseAsync(LeaseScope scope, long amount, long nowMs)
    {
        if (await TryDrawAsync(scope, amount) is not { } left)
            return null;
        if (scope.IsKey)
            await MoveOnKey.ExecuteAsync(0L, 0L, amount, nowMs, scope.ApiKeyId);
        else
            await TakeFromBalance.RowAsync(0L, amount, scope.UserId);
        return left;
    }

    /// <summary>Moves a balance by <paramref name="taken"/> (negative gives back), <paramref name="fromLease"/> of it out of leased money.</summary>
    public async Task TakeAsync(string userId, long taken, long fromLease)
    {
        if (await TakeFromBalance.RowAsync(taken, fromLease, userId) is null)
            throw new InvalidOperationException($"The balance of user {userId} does not cover {taken} micro-USD ({fromLease} from its lease).");
    }

    public Task AppendAsync(string userId, LedgerEntryKind kind, long amount, string requestId, long now) =>
        Append.ExecuteAsync(userId, (int)kind, amount, requestId, now);

    public async ValueTask DisposeAsync()
    {
        foreach (var command in _all)
            await command.DisposeAsync();
    }
}
