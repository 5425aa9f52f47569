using System.Data.Common;

namespace TokenPortal.Core.Data;

/// <summary>
/// One statement prepared once and run for many rows in a transaction, its parameters named
/// <c>@p0</c>..<c>@pN</c>: batched writes that reuse SQLite's compiled statement instead of parsing per row.
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

    public static async Task<PreparedCommand> CreateAsync(DbConnection connection, DbTransaction transaction, string sql, int parameterCount)
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
        for (var i = 0; i < _parameters.Length; i++)
            _parameters[i].Value = values[i] ?? DBNull.Value;
        return _command.ExecuteNonQueryAsync();
    }

    public ValueTask DisposeAsync() => _command.DisposeAsync();
}
