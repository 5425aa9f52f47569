using Npgsql;
using NpgsqlTypes;
using TokenPortal.Core.Data;
using TokenPortal.Core.Data.Entities;

namespace TokenPortal.Core.Billing;

/// <summary>
/// A run of holds and settles in their common case, written set-wise on PostgreSQL: each lease, balance and key is
/// updated once by the run's sum for it, the ledger rows and open holds go in (and out) as arrays, six statements in one
/// round trip whatever the run's size. The leases drawn and the holds closed are checked against what was expected;
/// when one falls short the caller rolls back and writes one statement at a time.
/// </summary>
internal sealed class PostgresSetWrite
{
    private readonly List<(HoldOperation Hold, SettleOperation? Settle)> _holds = [];
    private readonly List<SettleOperation> _settles = [];
    private readonly Dictionary<LeaseScope, long> _draws = [];
    private readonly Dictionary<string, (long Delta, long Leased)> _balances = new(StringComparer.Ordinal);
    private readonly Dictionary<long, (long Spent, long Reserved, long Leased)> _keys = [];
    private readonly List<(string UserId, LedgerEntryKind Kind, long Amount, string RequestId)> _entries = [];

    private readonly IReadOnlySet<SettleOperation> _withHolds;

    /// <param name="withHolds">The settles of the batch written with their holds (added here with the hold, skipped on their own).</param>
    public PostgresSetWrite(IReadOnlySet<SettleOperation> withHolds) => _withHolds = withHolds;

    /// <summary>Takes the operation into the run when it is a common case; false for one that must run on its own.</summary>
    public bool TryAdd(LedgerOperation operation)
    {
        switch (operation)
        {
            case HoldOperation hold:
                AddHold(hold, hold.FastSettle);
                return true;
            case SettleOperation settle when _withHolds.Contains(settle):
            case FlushOperation:
                return true;
            case SettleOperation { FastCase: true } settle:
                AddSettle(settle);
                return true;
            default:
                return false;
        }
    }

    private void AddHold(HoldOperation operation, SettleOperation? settle)
    {
        _holds.Add((operation, settle));
        var hold = operation.Hold;
        var amount = hold.AmountMicros;
        Add(_draws, new LeaseScope(hold.UserId, 0), amount);
        if (hold.KeyLeased)
            Add(_draws, new LeaseScope(hold.UserId, hold.ApiKeyId), amount);
        var keyLeased = hold.KeyLeased ? amount : 0;
        _entries.Add((hold.UserId, LedgerEntryKind.Reserve, -amount, hold.RequestId));
        if (settle is null)
        {
            AddToBalance(hold.UserId, -amount, amount);
            AddToKey(hold.ApiKeyId, 0, amount, keyLeased);
            return;
        }
        var charged = settle.Cost;
        AddToBalance(hold.UserId, -charged, amount);
        AddToKey(hold.ApiKeyId, charged, 0, keyLeased);
        _entries.Add((hold.UserId, LedgerEntryKind.Release, amount, hold.RequestId));
        if (charged > 0)
            _entries.Add((hold.UserId, LedgerEntryKind.Settle, -charged, hold.RequestId));
    }

    private void AddSettle(SettleOperation settle)
    {
        _settles.Add(settle);
        var (reservation, held, cost) = (settle.Reservation, settle.Reservation.WrittenMicros, settle.Cost);
        AddToBalance(reservation.UserId, held - cost, 0);
        AddToKey(reservation.ApiKeyId, cost, -held, 0);
        _entries.Add((reservation.UserId, LedgerEntryKind.Release, held, reservation.RequestId));
        if (cost > 0)
            _entries.Add((reservation.UserId, LedgerEntryKind.Settle, -cost, reservation.RequestId));
    }

    private void AddToBalance(string userId, long delta, long leased)
    {
        var (d, l) = _balances.GetValueOrDefault(userId);
        _balances[userId] = (d + delta, l + leased);
    }

    private void AddToKey(long apiKeyId, long spent, long reserved, long leased)
    {
        if (apiKeyId == 0)
            return;
        var (s, r, l) = _keys.GetValueOrDefault(apiKeyId);
        _keys[apiKeyId] = (s + spent, r + reserved, l + leased);
    }

    private static void Add<TKey>(Dictionary<TKey, long> sums, TKey key, long amount) where TKey : notnull =>
        sums[key] = sums.GetValueOrDefault(key) + amount;

    /// <summary>False when a lease had less than drawn or a hold was not open as expected (nothing the caller may keep).</summary>
    public async Task<bool> TryRunAsync(NpgsqlConnection connection, LedgerStatements sql, long nowMs)
    {
        if (_holds.Count + _settles.Count == 0)
            return true;
        var draws = _draws.ToArray();
        var opened = _holds.Where(h => h.Settle is null).Select(h => h.Hold.Hold).ToArray();
        await using var batch = new NpgsqlBatch(connection)
        {
            BatchCommands =
            {
                Command("""
                    UPDATE "Leases" AS l SET "AmountMicros" = l."AmountMicros" - d.amount
                    FROM unnest($1, $2, $3) AS d(u, k, amount)
                    WHERE l."InstanceId" = $4 AND l."UserId" = d.u AND l."ApiKeyId" = d.k AND l."AmountMicros" >= d.amount
                    RETURNING l."UserId", l."ApiKeyId", l."AmountMicros"
                    """, draws.Select(d => d.Key.UserId).ToArray(), draws.Select(d => d.Key.ApiKeyId).ToArray(), draws.Select(d => d.Value).ToArray(), sql.InstanceId),
                Command("""
                    DELETE FROM "OpenReservations" AS o USING unnest($1, $2) AS d(r, held)
                    WHERE o."RequestId" = d.r AND o."AmountMicros" = d.held AND o."ClawbackMicros" = 0
                    RETURNING o."RequestId"
                    """, _settles.Select(s => s.Reservation.RequestId).ToArray(), _settles.Select(s => s.Reservation.WrittenMicros).ToArray()),
                Command("""
                    UPDATE "Balances" AS b SET "BalanceMicros" = b."BalanceMicros" + d.delta, "LeasedMicros" = b."LeasedMicros" - d.leased
                    FROM unnest($1, $2, $3) AS d(u, delta, leased) WHERE b."UserId" = d.u
                    """, _balances.Keys.ToArray(), _balances.Values.Select(v => v.Delta).ToArray(), _balances.Values.Select(v => v.Leased).ToArray()),
                Command("""
                    UPDATE "ApiKeys" AS k SET "SpentMicros" = k."SpentMicros" + d.spent, "ReservedMicros" = k."ReservedMicros" + d.reserved,
                        "LeasedMicros" = k."LeasedMicros" - d.leased, "LastUsedAt" = $5
                    FROM unnest($1, $2, $3, $4) AS d(id, spent, reserved, leased) WHERE k."Id" = d.id
                    """, _keys.Keys.ToArray(), _keys.Values.Select(v => v.Spent).ToArray(), _keys.Values.Select(v => v.Reserved).ToArray(),
                    _keys.Values.Select(v => v.Leased).ToArray(), nowMs),
                Command("""
                    INSERT INTO "Ledger" ("UserId", "Kind", "AmountMicros", "RequestId", "CreatedAt")
                    SELECT u, kind, amount, r, $5 FROM unnest($1, $2, $3, $4) AS d(u, kind, amount, r)
                    """, _entries.Select(e => e.UserId).ToArray(), _entries.Select(e => (int)e.Kind).ToArray(), _entries.Select(e => e.Amount).ToArray(),
                    _entries.Select(e => e.RequestId).ToArray(), nowMs),
                Command("""
                    INSERT INTO "OpenReservations" ("RequestId", "UserId", "AmountMicros", "ApiKeyId", "CreatedAt", "ClawbackMicros", "InstanceId")
                    SELECT r, u, amount, k, $5, 0, $6 FROM unnest($1, $2, $3, $4) AS d(r, u, amount, k)
                    """, opened.Select(h => h.RequestId).ToArray(), opened.Select(h => h.UserId).ToArray(), opened.Select(h => h.AmountMicros).ToArray(),
                    opened.Select(h => h.ApiKeyId).ToArray(), nowMs, sql.InstanceId),
            },
        };
        Dictionary<LeaseScope, long> leases = [];
        var closed = 0;
        try
        {
            await using var reader = await batch.ExecuteReaderAsync();
            while (await reader.ReadAsync())
                leases[new LeaseScope(reader.GetString(0), reader.GetInt64(1))] = reader.GetInt64(2);
            await reader.NextResultAsync();
            while (await reader.ReadAsync())
                closed++;
        }
        catch (PostgresException ex) when (DatabaseEngines.IsConstraintViolation(ex))
        {
            // A lease short of what was drawn leaves a balance's leased sum below zero: the one-by-one path sorts it out.
            return false;
        }
        if (leases.Count != draws.Length || closed != _settles.Count)
            return false;

        foreach (var (operation, settle) in _holds)
        {
            var hold = operation.Hold;
            operation.WrittenFast(sql, leases[new LeaseScope(hold.UserId, 0)],
                hold.KeyLeased ? leases[new LeaseScope(hold.UserId, hold.ApiKeyId)] : null, settle);
        }
        foreach (var settle in _settles)
            settle.WrittenFast();
        return true;
    }

    private static NpgsqlBatchCommand Command(string text, params object[] values)
    {
        var command = new NpgsqlBatchCommand(text);
        foreach (var value in values)
        {
            command.Parameters.Add(new NpgsqlParameter
            {
                NpgsqlDbType = value switch
                {
                    string[] => NpgsqlDbType.Array | NpgsqlDbType.Text,
                    long[] => NpgsqlDbType.Array | NpgsqlDbType.Bigint,
                    int[] => NpgsqlDbType.Array | NpgsqlDbType.Integer,
                    long => NpgsqlDbType.Bigint,
                    _ => NpgsqlDbType.Text,
                },
                Value = value,
            });
        }
        return command;
    }
}
