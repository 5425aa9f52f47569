using Npgsql;
using NpgsqlTypes;

namespace TokenPortal.Core.Billing;

/// <summary>
/// The ledger writer's PostgreSQL path: the reservations and settles of a batch in their common case (the lease covers
/// the reservation, the cost fits what was reserved) are written set-wise, a few statements in one round trip for the lot
/// (<see cref="PostgresSetWrite"/>); the other operations (leases, overruns) run one by one between such runs, in
/// order. When a common case turns out not to hold, the caller rolls the transaction back and writes the batch one
/// statement at a time, where every case is handled.
/// </summary>
internal static class PostgresLedgerBatch
{
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

    /// <summary>
    /// Runs the operations in order: runs of common cases set-wise, the rest one by one. False when a common case did not
    /// hold: the transaction then holds a partial batch, and the caller must roll it back.
    /// </summary>
    public static async Task<bool> TryRunAsync(NpgsqlConnection connection, IReadOnlyList<LedgerOperation> operations, LedgerStatements sql, long nowMs)
    {
        // A settle is written with its reservation when both are in the batch, whichever run the reservation falls in.
        var withReservations = operations.OfType<ReserveOperation>().Select(r => r.FastSettle).OfType<SettleOperation>()
            .ToHashSet<SettleOperation>(ReferenceEqualityComparer.Instance);
        var run = new PostgresSetWrite(withReservations);
        foreach (var operation in operations)
        {
            if (run.TryAdd(operation))
                continue;
            if (!await run.TryRunAsync(connection, sql, nowMs))
                return false;
            run = new PostgresSetWrite(withReservations);
            await operation.ExecuteAsync(sql, nowMs);
        }
        return await run.TryRunAsync(connection, sql, nowMs);
    }
}
