using System.Data.Common;
using Microsoft.Data.Sqlite;
using Npgsql;

namespace TokenPortal.Core.Data;

/// <summary>
/// One statement compiled once on a writer's open connection and run many times, its parameters named
/// <c>@p0</c>..<c>@pN</c>: the hot path's writes without EF's per-row work. It takes part in whatever transaction the
/// connection has open, as any statement on that connection does. The SQL is what SQLite and PostgreSQL both speak.
/// </summary>
internal abstract class PreparedCommand : IAsyncDisposable
{
    public static async Task<PreparedCommand> CreateAsync(DbConnection connection, string sql, int parameterCount) => connection switch
    {
        SqliteConnection sqlite => SqlitePreparedCommand.Create(sqlite, sql, parameterCount),
        NpgsqlConnection postgres => await NpgsqlPreparedCommand.CreateAsync(postgres, sql, parameterCount),
        _ => throw new NotSupportedException($"Prepared writer statements do not run on {connection.GetType().Name}."),
    };

    /// <summary>Runs the statement with <paramref name="values"/> in parameter order (null as SQL NULL); returns the rows it changed.</summary>
    public abstract Task<int> ExecuteAsync(params object?[] values);

    /// <summary>The first row's columns as longs (null for SQL NULL); null when there is no row.</summary>
    public abstract Task<long?[]?> RowAsync(params object?[] values);

    public abstract ValueTask DisposeAsync();
}
