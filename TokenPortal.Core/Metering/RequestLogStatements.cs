using System.Data.Common;
using TokenPortal.Core.Data;
using TokenPortal.Core.Data.Entities;
using TokenPortal.Core.Usage;

namespace TokenPortal.Core.Metering;

/// <summary>The request log writer's insert and rollup upsert, prepared once on its connection.</summary>
internal sealed class RequestLogStatements : IAsyncDisposable
{
    private PreparedCommand _insert = null!;
    private PreparedCommand _upsert = null!;

    private RequestLogStatements()
    {
    }

    public static async Task<RequestLogStatements> PrepareAsync(DbConnection connection) => new()
    {
        _insert = await PreparedCommand.CreateAsync(connection, """
            INSERT INTO "RequestLogs" ("RequestId", "CreatedAt", "UserId", "ApiKeyId", "KeyPrefix", "Model", "Provider", "Status", "ErrorCode",
                "Stream", "PromptTokens", "CompletionTokens", "CachedTokens", "CostMicros", "LatencyMs", "TimeToFirstTokenMs", "UsageEstimated",
                "WrittenOffMicros")
            VALUES (@p0, @p1, @p2, @p3, @p4, @p5, @p6, @p7, @p8, @p9, @p10, @p11, @p12, @p13, @p14, @p15, @p16, @p17)
            """, parameterCount: 18),
        _upsert = await UsageRollupWriter.PrepareAsync(connection),
    };

    /// <summary>Inserts the rows and adds them to the dashboard rollups, in the current transaction.</summary>
    public async Task WriteAsync(IReadOnlyList<RequestLogRecord> batch)
    {
        foreach (var row in batch)
        {
            await _insert.ExecuteAsync(
                row.RequestId, row.CreatedAt.ToUnixTimeMilliseconds(), row.UserId, row.ApiKeyId, row.KeyPrefix, row.Model, row.Provider, row.Status,
                row.ErrorCode, row.Stream, row.PromptTokens, row.CompletionTokens, row.CachedTokens, row.CostMicros, row.LatencyMs,
                row.TimeToFirstTokenMs, row.UsageEstimated, row.WrittenOffMicros);
        }
        await UsageRollupWriter.AddAsync(_upsert, batch);
    }

    public async ValueTask DisposeAsync()
    {
        await _insert.DisposeAsync();
        await _upsert.DisposeAsync();
    }
}
