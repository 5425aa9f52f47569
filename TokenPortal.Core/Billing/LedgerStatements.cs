using System.Data.Common;
using TokenPortal.Core.Data;
using TokenPortal.Core.Data.Entities;

namespace TokenPortal.Core.Billing;

/// <summary>
/// The hot path's ledger statements, each prepared once on the writer's connection and reused for every reserve and
/// settle: SQLite compiles them once instead of per request. Identifiers quoted and parameters positional, which SQLite
/// and PostgreSQL read the same way.
/// </summary>
internal sealed class LedgerStatements : IAsyncDisposable
{
    private PreparedCommand[] _all = [];

    private LedgerStatements()
    {
    }

    /// <summary>One row always: the user's balance (null when none) and the key's budget, spent and reserved (null without a key).</summary>
    public PreparedCommand ReadRoom { get; private set; } = null!;

    /// <summary>Takes the amount when the balance covers it, returning the new balance; no row when it does not.</summary>
    public PreparedCommand TakeFromBalance { get; private set; } = null!;

    /// <summary>Adds to the key's reserved sum, returning its budget and its spent plus reserved.</summary>
    public PreparedCommand HoldOnKey { get; private set; } = null!;

    public PreparedCommand Append { get; private set; } = null!;

    public PreparedCommand OpenHold { get; private set; } = null!;

    /// <summary>Deletes the open hold, returning what it held and its claw-back; no row when it was already closed.</summary>
    public PreparedCommand CloseHold { get; private set; } = null!;

    /// <summary>Returns the new balance.</summary>
    public PreparedCommand GiveBack { get; private set; } = null!;

    /// <summary>Returns the key's budget and its spent plus reserved.</summary>
    public PreparedCommand SettleKey { get; private set; } = null!;

    /// <summary>
    /// A hold and its settle in one transaction, net: charges the amount when the balance still covers the whole hold,
    /// returning the new balance; no row when it does not.
    /// </summary>
    public PreparedCommand ChargeHeld { get; private set; } = null!;

    /// <summary>The key's side of a hold settled in the same transaction: spent goes up, reserved is unchanged.</summary>
    public PreparedCommand SpendOnKey { get; private set; } = null!;

    /// <summary>The Reserve, Release and Settle rows of a hold settled in the same transaction, in one statement.</summary>
    public PreparedCommand AppendHeldAndSettled { get; private set; } = null!;

    /// <summary>The Reserve and Release rows of a hold released in the same transaction.</summary>
    public PreparedCommand AppendHeldAndReleased { get; private set; } = null!;

    /// <summary>
    /// Grants held in the transaction now open, per user: the book still counts them as pending until it commits, but the
    /// balance the statements read has them taken already.
    /// </summary>
    public Dictionary<string, long> HeldInTransaction { get; } = new(StringComparer.Ordinal);

    public static async Task<LedgerStatements> PrepareAsync(DbConnection connection)
    {
        var s = new LedgerStatements
        {
            ReadRoom = await PreparedCommand.CreateAsync(connection, """
                SELECT b."BalanceMicros", k."BudgetMicros", k."SpentMicros", k."ReservedMicros"
                FROM (SELECT 1 AS "One") AS one
                LEFT JOIN "Balances" AS b ON b."UserId" = @p0
                LEFT JOIN "ApiKeys" AS k ON k."Id" = @p1
                """, parameterCount: 2),
            TakeFromBalance = await PreparedCommand.CreateAsync(connection, """
                UPDATE "Balances" SET "BalanceMicros" = "BalanceMicros" - @p0 WHERE "UserId" = @p1 AND "BalanceMicros" >= @p0
                RETURNING "BalanceMicros"
                """, parameterCount: 2),
            HoldOnKey = await PreparedCommand.CreateAsync(connection, """
                UPDATE "ApiKeys" SET "ReservedMicros" = "ReservedMicros" + @p0 WHERE "Id" = @p1
                RETURNING "BudgetMicros", "SpentMicros" + "ReservedMicros"
                """, parameterCount: 2),
            Append = await PreparedCommand.CreateAsync(connection,
                """INSERT INTO "Ledger" ("UserId", "Kind", "AmountMicros", "RequestId", "CreatedAt") VALUES (@p0, @p1, @p2, @p3, @p4)""", parameterCount: 5),
            OpenHold = await PreparedCommand.CreateAsync(connection,
                """INSERT INTO "OpenReservations" ("RequestId", "UserId", "AmountMicros", "ApiKeyId", "CreatedAt", "ClawbackMicros") VALUES (@p0, @p1, @p2, @p3, @p4, 0)""", parameterCount: 5),
            CloseHold = await PreparedCommand.CreateAsync(connection,
                """DELETE FROM "OpenReservations" WHERE "RequestId" = @p0 RETURNING "AmountMicros", "ClawbackMicros" """, parameterCount: 1),
            GiveBack = await PreparedCommand.CreateAsync(connection, """
                UPDATE "Balances" SET "BalanceMicros" = "BalanceMicros" + @p0 WHERE "UserId" = @p1
                RETURNING "BalanceMicros"
                """, parameterCount: 2),
            SettleKey = await PreparedCommand.CreateAsync(connection, """
                UPDATE "ApiKeys" SET "SpentMicros" = "SpentMicros" + @p0, "ReservedMicros" = "ReservedMicros" - @p1, "LastUsedAt" = @p2
                WHERE "Id" = @p3
                RETURNING "BudgetMicros", "SpentMicros" + "ReservedMicros"
                """, parameterCount: 4),
            ChargeHeld = await PreparedCommand.CreateAsync(connection, """
                UPDATE "Balances" SET "BalanceMicros" = "BalanceMicros" - @p0 WHERE "UserId" = @p1 AND "BalanceMicros" >= @p2
                RETURNING "BalanceMicros"
                """, parameterCount: 3),
            SpendOnKey = await PreparedCommand.CreateAsync(connection, """
                UPDATE "ApiKeys" SET "SpentMicros" = "SpentMicros" + @p0, "LastUsedAt" = @p1 WHERE "Id" = @p2
                RETURNING "BudgetMicros", "SpentMicros" + "ReservedMicros"
                """, parameterCount: 3),
            AppendHeldAndSettled = await PreparedCommand.CreateAsync(connection, $"""
                INSERT INTO "Ledger" ("UserId", "Kind", "AmountMicros", "RequestId", "CreatedAt")
                VALUES (@p0, {(int)LedgerEntryKind.Reserve}, -@p1, @p2, @p3), (@p0, {(int)LedgerEntryKind.Release}, @p1, @p2, @p3), (@p0, {(int)LedgerEntryKind.Settle}, -@p4, @p2, @p3)
                """, parameterCount: 5),
            AppendHeldAndReleased = await PreparedCommand.CreateAsync(connection, $"""
                INSERT INTO "Ledger" ("UserId", "Kind", "AmountMicros", "RequestId", "CreatedAt")
                VALUES (@p0, {(int)LedgerEntryKind.Reserve}, -@p1, @p2, @p3), (@p0, {(int)LedgerEntryKind.Release}, @p1, @p2, @p3)
                """, parameterCount: 4),
        };
        s._all = [s.ReadRoom, s.TakeFromBalance, s.HoldOnKey, s.Append, s.OpenHold, s.CloseHold, s.GiveBack, s.SettleKey,
            s.ChargeHeld, s.SpendOnKey, s.AppendHeldAndSettled, s.AppendHeldAndReleased];
        return s;
    }

    public Task AppendAsync(string userId, LedgerEntryKind kind, long amount, string requestId, long now) =>
        Append.ExecuteAsync(userId, (int)kind, amount, requestId, now);

    public async ValueTask DisposeAsync()
    {
        foreach (var command in _all)
            await command.DisposeAsync();
    }
}
