using System.Data.Common;
using Npgsql;
using NpgsqlTypes;
using TokenPortal.Core.Data;
using TokenPortal.Core.Data.Entities;
using TokenPortal.Core.Usage;

namespace TokenPortal.Core.Metering;

/// <summary>
/// The request log writer's insert and rollup upsert, prepared once on its connection. On PostgreSQL the rows go in
/// with one binary <c>COPY</c> per batch instead of an insert each.
/// </summary>
internal sealed class RequestLogStatements : IAsyncDisposable
{
    private const string Columns = """
        "RequestId", "CreatedAt", "UserId", "ApiKeyId", "KeyPrefix", "Model", "Provider", "Status", "ErrorCode",
        "Stream", "PromptTokens", "CompletionTokens", "CachedTokens", "CostMicros", "LatencyMs", "TimeToFirstTokenMs", "UsageEstimated",
        "WrittenOffMicros", "UpstreamModel", "Attempts", "FinishReason"
        """;

    private PreparedCommand _insert = null!;
    private PreparedCommand _upsert = null!;
    private NpgsqlConnection? _postgres;

    private RequestLogStatements()
    {
    }

    public static async Task<RequestLogStatements> PrepareAsync(DbConnection connection) => new()
    {
        _insert = await PreparedCommand.CreateAsync(connection, $"""
            INSERT INTO "RequestLogs" ({Columns})
            VALUES (@p0, @p1, @p2, @p3, @p4, @p5, @p6, @p7, @p8, @p9, @p10, @p11, @p12, @p13, @p14, @p15, @p16, @p17, @p18, @p19, @p20)
            """, parameterCount: 21),
        _upsert = await UsageRollupWriter.PrepareAsync(connection),
        _postgres = connection as NpgsqlConnection,
    };

    /// <summary>Inserts the rows and adds them to the dashboard rollups, in the current transaction.</summary>
    public async Task WriteAsync(IReadOnlyList<RequestLogRecord> batch)
    {
        if (_postgres is not null)
        {
            await CopyAsync(_postgres, batch);
            await UsageRollupWriter.AddAsync(_upsert, batch);
            return;
        }
        foreach (var row in batch)
        {
            await _insert.ExecuteAsync(
                row.RequestId, row.CreatedAt.ToUnixTimeMilliseconds(), row.UserId, row.ApiKeyId, row.KeyPrefix, row.Model, row.Provider, row.Status,
                row.ErrorCode, row.Stream, row.PromptTokens, row.CompletionTokens, row.CachedTokens, row.CostMicros, row.LatencyMs,
                row.TimeToFirstTokenMs, row.UsageEstimated, row.WrittenOffMicros, row.UpstreamModel, row.Attempts, row.FinishReason);
        }
        await UsageRollupWriter.AddAsync(_upsert, batch);
    }

    private static async Task CopyAsync(NpgsqlConnection connection, IReadOnlyList<RequestLogRecord> batch)
    {
        await using var copy = await connection.BeginBinaryImportAsync($"""COPY "RequestLogs" ({Columns}) FROM STDIN (FORMAT BINARY)""");
        foreach (var row in batch)
        {
            await copy.StartRowAsync();
            await copy.WriteAsync(row.RequestId, NpgsqlDbType.Text);
            await copy.WriteAsync(row.CreatedAt.ToUnixTimeMilliseconds(), NpgsqlDbType.Bigint);
            await copy.WriteAsync(row.UserId, NpgsqlDbType.Text);
            await copy.WriteAsync(row.ApiKeyId, NpgsqlDbType.Bigint);
            await copy.WriteAsync(row.KeyPrefix, NpgsqlDbType.Text);
            await copy.WriteAsync(row.Model, NpgsqlDbType.Text);
            await copy.WriteAsync(row.Provider, NpgsqlDbType.Text);
            await copy.WriteAsync(row.Status, NpgsqlDbType.Integer);
            await WriteNullableAsync(copy, row.ErrorCode, NpgsqlDbType.Text);
            await copy.WriteAsync(row.Stream, NpgsqlDbType.Boolean);
            await copy.WriteAsync(row.PromptTokens, NpgsqlDbType.Integer);
            await copy.WriteAsync(row.CompletionTokens, NpgsqlDbType.Integer);
            await copy.WriteAsync(row.CachedTokens, NpgsqlDbType.Integer);
            await copy.WriteAsync(row.CostMicros, NpgsqlDbType.Bigint);
            await copy.WriteAsync(row.LatencyMs, NpgsqlDbType.Integer);
            await WriteNullableAsync(copy, row.TimeToFirstTokenMs, NpgsqlDbType.Integer);
            await copy.WriteAsync(row.UsageEstimated, NpgsqlDbType.Boolean);
            await copy.WriteAsync(row.WrittenOffMicros, NpgsqlDbType.Bigint);
            await WriteNullableAsync(copy, row.UpstreamModel, NpgsqlDbType.Text);
            await copy.WriteAsync(row.Attempts, NpgsqlDbType.Integer);
            await WriteNullableAsync(copy, row.FinishReason, NpgsqlDbType.Text);
        }
        await copy.CompleteAsync();
    }

    private static async Task WriteNullableAsync<T>(NpgsqlBinaryImporter copy, T? value, NpgsqlDbType type)
    {
        if (value is null)
            await copy.WriteNullAsync();
        else
            await copy.WriteAsync(value, type);
    }

    public async ValueTask DisposeAsync()
    {
        await _insert.DisposeAsync();
        await _upsert.DisposeAsync();
    }
}
