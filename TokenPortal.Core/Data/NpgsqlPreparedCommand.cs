using Npgsql;

namespace TokenPortal.Core.Data;

/// <summary>
/// <see cref="PreparedCommand"/> on PostgreSQL: one <see cref="NpgsqlCommand"/> per statement, kept with its parameters,
/// prepared on the server by Npgsql's auto-prepare (see <see cref="DatabaseEngines"/>). Each parameter keeps the type of
/// the first value it was given, so a later null is sent as that type and the prepared plan still fits.
/// </summary>
internal sealed class NpgsqlPreparedCommand : PreparedCommand
{
    private readonly NpgsqlCommand _command;
    private readonly bool[] _typed;

    private NpgsqlPreparedCommand(NpgsqlCommand command) => (_command, _typed) = (command, new bool[command.Parameters.Count]);

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
            if (!_typed[i] && values[i] is { } value)
                (parameter.NpgsqlDbType, _typed[i]) = (TypeOf(value), true);
            parameter.Value = values[i] ?? DBNull.Value;
        }
    }

    private static NpgsqlTypes.NpgsqlDbType TypeOf(object value) => value switch
    {
        long => NpgsqlTypes.NpgsqlDbType.Bigint,
        int => NpgsqlTypes.NpgsqlDbType.Integer,
        string => NpgsqlTypes.NpgsqlDbType.Text,
        bool => NpgsqlTypes.NpgsqlDbType.Boolean,
        double => NpgsqlTypes.NpgsqlDbType.Double,
        _ => NpgsqlTypes.NpgsqlDbType.Unknown,
    };

    public override async ValueTask DisposeAsync() => await _command.DisposeAsync();
}
