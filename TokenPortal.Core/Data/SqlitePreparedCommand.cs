using Microsoft.Data.Sqlite;
using SQLitePCL;

namespace TokenPortal.Core.Data;

/// <summary>
/// <see cref="PreparedCommand"/> on SQLite, driven directly: a run is bind, step, reset, with none of ADO.NET's per-run
/// binder, reader and task objects (a fifth of what the hot path allocated).
/// </summary>
internal sealed class SqlitePreparedCommand : PreparedCommand
{
    private readonly sqlite3 _db;
    private readonly sqlite3_stmt _statement;
    private readonly int[] _slots;

    private SqlitePreparedCommand(sqlite3 db, sqlite3_stmt statement, int[] slots)
    {
        _db = db;
        _statement = statement;
        _slots = slots;
    }

    public static PreparedCommand Create(SqliteConnection connection, string sql, int parameterCount)
    {
        var db = connection.Handle ?? throw new InvalidOperationException("Open the connection before preparing statements on it.");
        Check(raw.sqlite3_prepare_v2(db, sql, out var statement), db);
        var slots = new int[parameterCount];
        for (var i = 0; i < slots.Length; i++)
        {
            slots[i] = raw.sqlite3_bind_parameter_index(statement, "@p" + i);
            if (slots[i] == 0)
            {
                statement.Dispose(); // finalizes it, once
                throw new ArgumentException($"The statement has no parameter @p{i}: {sql}", nameof(sql));
            }
        }
        return new SqlitePreparedCommand(db, statement, slots);
    }

    public override Task<int> ExecuteAsync(params object?[] values)
    {
        try
        {
            Bind(values);
            while (Step()) { }
            return Task.FromResult(raw.sqlite3_changes(_db));
        }
        finally
        {
            raw.sqlite3_reset(_statement);
        }
    }

    public override Task<long?[]?> RowAsync(params object?[] values)
    {
        try
        {
            Bind(values);
            if (!Step())
                return Task.FromResult<long?[]?>(null);
            var row = new long?[raw.sqlite3_column_count(_statement)];
            for (var i = 0; i < row.Length; i++)
                row[i] = raw.sqlite3_column_type(_statement, i) == raw.SQLITE_NULL ? null : raw.sqlite3_column_int64(_statement, i);
            while (Step()) { }
            return Task.FromResult<long?[]?>(row);
        }
        finally
        {
            raw.sqlite3_reset(_statement);
        }
    }

    private void Bind(object?[] values)
    {
        if (values.Length != _slots.Length)
            throw new ArgumentException($"The statement takes {_slots.Length} values, not {values.Length}.", nameof(values));
        for (var i = 0; i < _slots.Length; i++)
        {
            var slot = _slots[i];
            Check(values[i] switch
            {
                null => raw.sqlite3_bind_null(_statement, slot),
                string text => raw.sqlite3_bind_text(_statement, slot, text),
                long number => raw.sqlite3_bind_int64(_statement, slot, number),
                int number => raw.sqlite3_bind_int64(_statement, slot, number),
                bool flag => raw.sqlite3_bind_int64(_statement, slot, flag ? 1 : 0),
                double real => raw.sqlite3_bind_double(_statement, slot, real),
                var other => throw new ArgumentException($"@p{i}: {other.GetType().Name} is not a type the writers bind.", nameof(values)),
            }, _db);
        }
    }

    /// <summary>
    /// One step: true with a row to read, false when done. The writers hold the write lock from BEGIN IMMEDIATE, so a
    /// busy database shows there, in ADO.NET's own retry loop, not here; anything else fails as ADO.NET would fail it.
    /// </summary>
    private bool Step()
    {
        var rc = raw.sqlite3_step(_statement);
        if (rc == raw.SQLITE_ROW)
            return true;
        if (rc != raw.SQLITE_DONE)
            SqliteException.ThrowExceptionForRC(rc, _db);
        return false;
    }

    private static void Check(int rc, sqlite3 db)
    {
        if (rc != raw.SQLITE_OK)
            SqliteException.ThrowExceptionForRC(rc, db);
    }

    public override ValueTask DisposeAsync()
    {
        _statement.Dispose();
        return ValueTask.CompletedTask;
    }
}
