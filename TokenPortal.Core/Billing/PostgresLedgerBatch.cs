using Npgsql;
using NpgsqlTypes;
using TokenPortal.Core.Data.Entities;

namespace TokenPortal.Core.Billing;

/// <summary>
/// The ledger writer's PostgreSQL path: the holds and settles of a batch in their common case (the lease covers the
/// hold, the cost fits what was held) go to the server as one <see cref="NpgsqlBatch"/>, one round trip instead of five
/// statements each; the other operations (leases, overruns) run one by one between them, in order. When a common case
/// turns out not to hold (its statement did nothing), the caller rolls the transaction back and writes the batch one
/// statement at a time, where every case is handled.
/// </summary>
internal static class PostgresLedgerBatch
{
    private const string Draw = """
        drawn AS (UPDATE "Leases" SET "AmountMicros" = "AmountMicros" - $1
            WHERE "InstanceId" = $2 AND "UserId" = $3 AND "ApiKeyId" = 0 AND "AmountMicros" >= $1 RETURNING "AmountMicros"),
        keydrawn AS (UPDATE "Leases" SET "AmountMicros" = "AmountMicros" - $1
            WHERE $5 AND "InstanceId" = $2 AND "UserId" = $3 AND "ApiKeyId" = $4 AND "AmountMicros" >= $1 RETURNING "AmountMicros"),
        ok AS (SELECT 1 FROM drawn WHERE NOT $5 OR EXISTS (SELECT 1 FROM keydrawn))
        """;

    /// <summary>$1 amount, $2 server, $3 user, $4 key (0 for none), $5 drawn from a key lease, $6 request, $7 now.</summary>
    private static readonly string HoldSql = $"""
        WITH {Draw},
        balance AS (UPDATE "Balances" SET "BalanceMicros" = "BalanceMicros" - $1, "LeasedMicros" = "LeasedMicros" - $1
            WHERE "UserId" = $3 AND EXISTS (SELECT 1 FROM ok)),
        apikey AS (UPDATE "ApiKeys" SET "ReservedMicros" = "ReservedMicros" + $1, "LeasedMicros" = "LeasedMicros" - CASE WHEN $5 THEN $1 ELSE 0 END,
            "LastUsedAt" = $7 WHERE "Id" = $4 AND EXISTS (SELECT 1 FROM ok)),
        entry AS (INSERT INTO "Ledger" ("UserId", "Kind", "AmountMicros", "RequestId", "CreatedAt") SELECT $3, {(int)LedgerEntryKind.Reserve}, -$1, $6, $7 FROM ok),
        opened AS (INSERT INTO "OpenReservations" ("RequestId", "UserId", "AmountMicros", "ApiKeyId", "CreatedAt", "ClawbackMicros", "InstanceId")
            SELECT $6, $3, $1, $4, $7, 0, $2 FROM ok)
        SELECT (SELECT "AmountMicros" FROM drawn), (SELECT "AmountMicros" FROM keydrawn)
        """;

    /// <summary>A hold and its settle, net: as <see cref="HoldSql"/>, $8 the charge (at most the hold).</summary>
    private static readonly string HoldAndSettleSql = $"""
        WITH {Draw},
        balance AS (UPDATE "Balances" SET "BalanceMicros" = "BalanceMicros" - $8, "LeasedMicros" = "LeasedMicros" - $1
            WHERE "UserId" = $3 AND EXISTS (SELECT 1 FROM ok)),
        apikey AS (UPDATE "ApiKeys" SET "SpentMicros" = "SpentMicros" + $8, "LeasedMicros" = "LeasedMicros" - CASE WHEN $5 THEN $1 ELSE 0 END,
            "LastUsedAt" = $7 WHERE "Id" = $4 AND EXISTS (SELECT 1 FROM ok)),
        entry AS (INSERT INTO "Ledger" ("UserId", "Kind", "AmountMicros", "RequestId", "CreatedAt")
            SELECT $3, {(int)LedgerEntryKind.Reserve}, -$1, $6, $7 FROM ok
            UNION ALL SELECT $3, {(int)LedgerEntryKind.Release}, $1, $6, $7 FROM ok
            UNION ALL SELECT $3, {(int)LedgerEntryKind.Settle}, -$8, $6, $7 FROM ok WHERE $8 > 0)
        SELECT (SELECT "AmountMicros" FROM drawn), (SELECT "AmountMicros" FROM keydrawn)
        """;

    /// <summary>$1 request, $2 cost (within the hold, no claw-back owed), $3 user, $4 key (0 for none), $5 now.</summary>
    private static readonly string SettleSql = $"""
        WITH closed AS (DELETE FROM "OpenReservations" WHERE "RequestId" = $1 AND "AmountMicros" >= $2 AND "ClawbackMicros" = 0 RETURNING "AmountMicros"),
        balance AS (UPDATE "Balances" SET "BalanceMicros" = "BalanceMicros" + (SELECT "AmountMicros" FROM closed) - $2
            WHERE "UserId" = $3 AND EXISTS (SELECT 1 FROM closed)),
        apikey AS (UPDATE "ApiKeys" SET "SpentMicros" = "SpentMicros" + $2, "ReservedMicros" = "ReservedMicros" - (SELECT "AmountMicros" FROM closed),
            "LastUsedAt" = $5 WHERE "Id" = $4 AND EXISTS (SELECT 1 FROM closed)),
        entry AS (INSERT INTO "Ledger" ("UserId", "Kind", "AmountMicros", "RequestId", "CreatedAt")
            SELECT $3, {(int)LedgerEntryKind.Release}, "AmountMicros", $1, $5 FROM closed
            UNION ALL SELECT $3, {(int)LedgerEntryKind.Settle}, -$2, $1, $5 FROM closed WHERE $2 > 0)
        SELECT "AmountMicros" FROM closed
        """;

    /// <summary>
    /// Locks the balances and key rows the operations will write, each kind in one order (by user id, by key id), before
    /// any is written: two servers' batches over the same users then wait for each other instead of deadlocking.
    /// </summary>
    public static async Task LockRowsAsync(NpgsqlConnection connection, IReadOnlyList<LedgerOperation> operations)
    {
        var scopes = operations.SelectMany(o => o.Scopes).ToList();
        var users = scopes.Select(s => s.UserId).Distinct().Order(StringComparer.Ordinal).ToArray();
        var keys = scopes.Where(s => s.IsKey).Select(s => s.ApiKeyId).Distinct().Order().ToArray();
        if (users.Length == 0)
            return;
        await using var batch = new NpgsqlBatch(connection)
        {
            BatchCommands =
            {
                new NpgsqlBatchCommand("""SELECT 1 FROM "Balances" WHERE "UserId" = ANY($1) ORDER BY "UserId" FOR UPDATE""")
                    { Parameters = { new NpgsqlParameter { NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Text, Value = users } } },
                new NpgsqlBatchCommand("""SELECT 1 FROM "ApiKeys" WHERE "Id" = ANY($1) ORDER BY "Id" FOR UPDATE""")
                    { Parameters = { new NpgsqlParameter { NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Bigint, Value = keys } } },
            },
        };
        await batch.ExecuteNonQueryAsync();
    }

    public static NpgsqlBatchCommand Hold(Reservation hold, long? charge, string instanceId, long nowMs)
    {
        var command = new NpgsqlBatchCommand(charge is null ? HoldSql : HoldAndSettleSql);
        Add(command, hold.AmountMicros, instanceId, hold.UserId, hold.ApiKeyId, hold.KeyLeased, hold.RequestId, nowMs);
        if (charge is { } charged)
            command.Parameters.Add(new NpgsqlParameter { NpgsqlDbType = NpgsqlDbType.Bigint, Value = charged });
        return command;
    }

    public static NpgsqlBatchCommand Settle(Reservation reservation, long cost, long nowMs)
    {
        var command = new NpgsqlBatchCommand(SettleSql);
        Add(command, reservation.RequestId, cost, reservation.UserId, reservation.ApiKeyId, nowMs);
        return command;
    }

    /// <summary>
    /// Runs the operations in order: runs of common cases as one batch each, the rest one by one. False when a common case
    /// did not hold: the transaction then holds a partial batch, and the caller must roll it back.
    /// </summary>
    public static async Task<bool> TryRunAsync(NpgsqlConnection connection, IReadOnlyList<LedgerOperation> operations, LedgerStatements sql, long nowMs)
    {
        if (PostgresSetWrite.Plan(operations) is { } setWise)
            return await setWise.TryRunAsync(connection, sql, nowMs);
        List<PostgresWrite> run = [];
        foreach (var operation in operations)
        {
            if (operation.Fast(sql, nowMs) is { } write)
            {
                run.Add(write);
                continue;
            }
            if (!await SendAsync(connection, run))
                return false;
            await operation.ExecuteAsync(sql, nowMs);
        }
        return await SendAsync(connection, run);
    }

    /// <summary>
    /// Sends the run as one batch and, when every write in it did its common case, takes their results in at once: the
    /// operations run one by one after it must see what the run drew from the leases. (A rolled-back transaction is
    /// written again one by one, which sets all of it afresh.)
    /// </summary>
    private static async Task<bool> SendAsync(NpgsqlConnection connection, List<PostgresWrite> run)
    {
        if (run.Count == 0)
            return true;
        await using var batch = new NpgsqlBatch(connection);
        foreach (var write in run)
        {
            if (write.Command is { } command)
                batch.BatchCommands.Add(command);
        }
        List<long?[]?> rows = [];
        if (batch.BatchCommands.Count > 0)
        {
            await using var reader = await batch.ExecuteReaderAsync();
            do
            {
                long?[]? row = null;
                if (await reader.ReadAsync())
                {
                    row = new long?[reader.FieldCount];
                    for (var i = 0; i < row.Length; i++)
                        row[i] = reader.IsDBNull(i) ? null : reader.GetInt64(i);
                }
                rows.Add(row);
            }
            while (await reader.NextResultAsync());
        }
        List<(PostgresWrite Write, long?[]? Row)> results = [];
        var next = 0;
        foreach (var write in run)
        {
            var row = write.Command is null ? null : rows[next++];
            if (!write.Succeeded(row))
                return false;
            results.Add((write, row));
        }
        foreach (var (write, row) in results)
            write.Apply(row);
        run.Clear();
        return true;
    }

    private static void Add(NpgsqlBatchCommand command, params object[] values)
    {
        foreach (var value in values)
        {
            command.Parameters.Add(new NpgsqlParameter
            {
                NpgsqlDbType = value switch { long => NpgsqlDbType.Bigint, bool => NpgsqlDbType.Boolean, _ => NpgsqlDbType.Text },
                Value = value,
            });
        }
    }
}
