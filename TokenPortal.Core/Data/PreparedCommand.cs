using System.Data.Common;

namespace TokenPortal.Core.Data;

/// <summary>
/// One statement prepared once and run many times, its parameters named <c>@p0</c>..<c>@pN</c>: batched writes that
/// reuse SQLite's compiled statement instead of parsing per row. A long-lived one moves from transaction to transaction.
/// </summary>
internal sealed class PreparedCommand : IAsyncDisposable
{
    private readonly DbCommand _command;
    private readonly DbParameter[] _parameters;

    private PreparedCommand(DbCommand command, DbParameter[] parameters)
    {
        _command = command;
        _parameters = parameters;
    }

    /// <summary>The transaction the next runs belong to.</summary>
    public DbTransaction? Transaction
    {
        set => _command.Transaction = value;
    }

    public static async Task<PreparedCommand> CreateAsync(DbConnection connection, DbTransaction? transaction, string sql, int parameterCount)
    {
        var command = connection.CreateCommand();
        command.Transaction = transaction;
        command.CommandText = sql;
        var parameters = new DbParameter[parameterCount];
        for (var i = 0; i < parameters.Length; i++)
        {
            parameters[i] = command.CreateParameter();
            parameters[i].ParameterName = "@p" + i;
            command.Parameters.Add(parameters[i]);
        }
        await command.PrepareAsync();
        return new PreparedCommand(command, parameters);
    }

    /// <summary>Runs the statement with <paramref name="values"/> in parameter order (null as SQL NULL).</summary>
    public Task<int> ExecuteAsync(params object?[] values)
    {
        Bind(values);
        return _command.ExecuteNonQueryAsync();
    }

    private void Bind(object?[] values)
    {
        for (var i = 0; i < _parameters.Length; i++)
            _parameters[i].Value = values[i] ?? DBNull.Value;
    }

    /// <summary>The first row's columns as longs (null for SQL NULL); null when there is no row.</summary>
    public async Task<long?[]?> RowAsync(params object?[] values)
    {
        Bind(values);
        await using var reader = await _command.ExecuteReaderAsync();
        if (!await reader.ReadAsync())
            return null;
        var row = new long?[reader.FieldCount];
        for (var i = 0; i < row.Length; i++)
            row[i] = reader.IsDBNull(i) ? null : reader.GetInt64(i);
        return row;
    }

    public ValueTask DisposeAsync() => _command.DisposeAsync();
}
