using Npgsql;
using NpgsqlTypes;
using TokenPortal.Core.Data;
using TokenPortal.Core.Data.Entities;

namespace TokenPortal.Core.Billing;

/// <summary>
/// A run of reservations and settles in their common case, written set-wise on PostgreSQL: each lease, balance and key
/// is updated once by the run's sum for it, the ledger rows and open reservations go in (and out) as arrays, six
/// statements in one round trip whatever the run's size. The leases drawn and the reservations closed are checked
/// against what was expected; when one falls short the caller rolls back and writes one statement at a time.
/// </summary>
internal sealed class PostgresSetWrite
{
    private readonly List<(ReserveOperation Reserve, SettleOperation? Settle)> _reservations = [];
    private readonly List<SettleOperation> _settles = [];
    private readonly Dictionary<LeaseScope, long> _draws = [];
    private readonly Dictionary<string, (long Delta, long Leased)> _balances = new(StringComparer.Ordinal);
    private readonly Dictionary<long, (long Spent, long Reserved, long Leased)> _keys = [];
    private readonly List<(string UserId, LedgerEntryKind Kind, long Amount, string RequestId)> _entries = [];

    private readonly IReadOnlySet<SettleOperation> _withReservations;

    /// <param name="withReservations">The settles of the batch written with their reservations (added here with the reservation, skipped on their own).</param>
    public PostgresSetWrite(IReadOnlySet<SettleOperation> withReservations) => _withReservations = withReservations;

    /// <summary>Takes the operation into the run when it is a common case; false for one that must run on its own.</summary>
    public bool TryAdd(LedgerOperation operation)
    {
        switch (operation)
        {
            case ReserveOperation reserve:
                AddReservation(reserve, reserve.FastSettle);
                return true;
            case SettleOperation settle when _withReservations.Contains(settle):
            case FlushOperation:
                return true;
            case SettleOperation { FastCase: true } settle:
                AddSettle(settle);
                return true;
            default:
                return false;
        }
    }

    private void AddReservation(ReserveOperation operation, SettleOperation? settle)
    {
        _reservations.Add((operation, settle));
        var reservation = operation.Reservation;
        var amount = reservation.AmountMicros;
        Add(_draws, new LeaseScope(reservation.UserId, 0), amount);
        if (reservation.KeyLeased)
            Add(_draws, new LeaseScope(reservation.UserId, reservation.ApiKeyId), amount);
        var keyLeased = reservation.KeyLeased ? amount : 0;
        _entries.Add((reservation.UserId, LedgerEntryKind.Reserve, -amount, reservation.RequestId));
        if (settle is null)
        {
            AddToBalance(reservation.UserId, -amount, amount);
            AddToKey(reservation.ApiKeyId, 0, amount, keyLeased);
            return;
        }
        var charged = settle.Cost;
        AddToBalance(reservation.UserId, -charged, amount);
        AddToKey(reservation.ApiKeyId, charged, 0, keyLeased);
        _entries.Add((reservation.UserId, LedgerEntryKind.Release, amount, reservation.RequestId));
        if (charged > 0)
            _entries.Add((reservation.UserId, LedgerEntryKind.Settle, -charged, reservation.RequestId));
    }

    private void AddSettle(SettleOperation settle)
    {
        _settles.Add(settle);
        var (reservation, reserved, cost) = (settle.Reservation, settle.Reservation.WrittenMicros, settle.Cost);
        AddToBalance(reservation.UserId, reserved - cost, 0);
        AddToKey(reservation.ApiKeyId, cost, -reserved, 0);
        _entries.Add((reservation.UserId, LedgerEntryKind.Release, reserved, reservation.RequestId));
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

    /// <summary>False when a lease had less than drawn or a reservation was not open as expected (nothing the caller may keep).</summary>
    public async Task<bool> TryRunAsync(NpgsqlConnection connection, LedgerStatements sql, long nowMs)
    {
        if (_reservations.Count + _settles.Count == 0)
            return true;
        var draws = _draws.ToArray();
        var opened = _reservations.Where(r => r.Settle is null).Select(r => r.Reserve.Reservation).ToArray();
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
                    DELETE FROM "OpenReservations" AS o USING unnest($1, $2) AS d(r, reserved)
                    WHERE o."RequestId" = d.r AND o."AmountMicros" = d.reserved AND o."ClawbackMicros" = 0
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
                    """, opened.Select(r => r.RequestId).ToArray(), opened.Select(r => r.UserId).ToArray(), opened.Select(r => r.AmountMicros).ToArray(),
                    opened.Select(r => r.ApiKeyId).ToArray(), nowMs, sql.InstanceId),
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

        foreach (var (operation, settle) in _reservations)
        {
            var reservation = operation.Reservation;
            operation.WrittenFast(sql, leases[new LeaseScope(reservation.UserId, 0)],
                reservation.KeyLeased ? leases[new LeaseScope(reservation.UserId, reservation.ApiKeyId)] : null, settle);
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
