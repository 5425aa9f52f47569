using Npgsql;

namespace TokenPortal.Core.Data;

/// <summary>
/// <see cref="PreparedCommand"/> on PostgreSQL: one <see cref="NpgsqlCommand"/> per statement, kept with its parameters.
/// Not prepared on the server: a parameter that is sometimes null (no type) and sometimes a number would not fit one
/// prepared plan. Preparing with declared types is the next step when PostgreSQL's throughput is measured.
/// </summary>
internal sealed class NpgsqlPreparedCommand : PreparedCommand
{
    private readonly NpgsqlCommand _command;

    private NpgsqlPreparedCommand(NpgsqlCommand command) => _command = command;

    public static Task<PreparedCommand> CreateAsync(NpgsqlConnection connection, string sql, int parameterCount)
    {
        var command = new NpgsqlCommand(sql, connection);
        for (var i = 0; i < parameterCount; i++)
            command.Parameters.Add(new NpgsqlParameter { ParameterName = "p" + i });
        return Task.FromResult<PreparedCommand>(new NpgsqlPreparedCommand(command));
    }

    public override async Task<int> ExecuteAsync(params object?[] values)
    {
        Bind(values);
        return await _command.ExecuteNonQueryAsync();
    }

    public override async Task<long?[]?> RowAsync(params object?[] values)
    {
        Bind(values);
        await using var reader = await _command.ExecuteReaderAsync();
        if (!await reader.ReadAsync())
            return null;
        var row = new long?[reader.FieldCount];
        for (var i = 0; i < row.Length; i++)
            row[i] = reader.IsDBNull(i) ? null : Convert.ToInt64(reader.GetValue(i), System.Globalization.CultureInfo.InvariantCulture);
        return row;
    }

    private void Bind(object?[] values)
    {
        if (values.Length != _command.Parameters.Count)
            throw new ArgumentException($"The statement takes {_command.Parameters.Count} values, not {values.Length}.", nameof(values));
        for (var i = 0; i < values.Length; i++)
        {
            var parameter = _command.Parameters[i];
            parameter.Value = values[i] ?? DBNull.Value;
        }
    }

    public override async ValueTask DisposeAsync() => await _command.DisposeAsync();
}
