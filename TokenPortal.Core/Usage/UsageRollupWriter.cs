using System.Data.Common;
using TokenPortal.Core.Data;
using TokenPortal.Core.Data.Entities;

namespace TokenPortal.Core.Usage;

/// <summary>
/// Adds request-log rows to <see cref="UsageRollup"/> totals, to the row's hour and to its day, one upsert per
/// distinct group in the batch.
/// </summary>
internal static class UsageRollupWriter
{
    private static readonly (RollupPeriod Period, long Ms)[] Periods =
    [
        (RollupPeriod.Hour, (long)TimeSpan.FromHours(1).TotalMilliseconds),
        (RollupPeriod.Day, (long)TimeSpan.FromDays(1).TotalMilliseconds),
    ];

    /// <summary>The upsert <see cref="AddAsync"/> runs, prepared once on a writer's connection.</summary>
    public static Task<PreparedCommand> PrepareAsync(DbConnection connection) => PreparedCommand.CreateAsync(connection, """
        INSERT INTO "UsageRollups" ("UserId", "Period", "PeriodStart", "ApiKeyId", "Model", "LatencyBucket", "Requests", "Errors", "PromptTokens", "CompletionTokens", "CachedTokens", "CostMicros")
        VALUES (@p0, @p1, @p2, @p3, @p4, @p5, @p6, @p7, @p8, @p9, @p10, @p11)
        ON CONFLICT ("UserId", "Period", "PeriodStart", "ApiKeyId", "Model", "LatencyBucket") DO UPDATE SET
            "Requests" = "UsageRollups"."Requests" + excluded."Requests",
            "Errors" = "UsageRollups"."Errors" + excluded."Errors",
            "PromptTokens" = "UsageRollups"."PromptTokens" + excluded."PromptTokens",
            "CompletionTokens" = "UsageRollups"."CompletionTokens" + excluded."CompletionTokens",
            "CachedTokens" = "UsageRollups"."CachedTokens" + excluded."CachedTokens",
            "CostMicros" = "UsageRollups"."CostMicros" + excluded."CostMicros"
        """, parameterCount: 12);

    public static async Task AddAsync(PreparedCommand upsert, IEnumerable<RequestLogRecord> rows)
    {
        var groups = new Dictionary<(string UserId, RollupPeriod Period, long Start, long KeyId, string Model, int Bucket), Totals>();
        foreach (var row in rows)
        {
            var ms = row.CreatedAt.ToUnixTimeMilliseconds();
            var bucket = LatencyBuckets.Of(row.LatencyMs);
            foreach (var (period, length) in Periods)
            {
                var key = (row.UserId, period, ms - ms % length, row.ApiKeyId, row.Model, bucket);
                var totals = groups.GetValueOrDefault(key);
                groups[key] = totals with
                {
                    Requests = totals.Requests + 1,
                    Errors = totals.Errors + (row.Status >= 400 ? 1 : 0),
                    PromptTokens = totals.PromptTokens + row.PromptTokens,
                    CompletionTokens = totals.CompletionTokens + row.CompletionTokens,
                    CachedTokens = totals.CachedTokens + row.CachedTokens,
                    CostMicros = totals.CostMicros + row.CostMicros,
                };
            }
        }

        // In one order on every server: two servers adding to the same rollups wait for each other instead of deadlocking.
        var ordered = groups.OrderBy(g => g.Key.UserId, StringComparer.Ordinal).ThenBy(g => g.Key.Period).ThenBy(g => g.Key.Start)
            .ThenBy(g => g.Key.KeyId).ThenBy(g => g.Key.Model, StringComparer.Ordinal).ThenBy(g => g.Key.Bucket);
        foreach (var ((userId, period, start, keyId, model, bucket), t) in ordered)
            await upsert.ExecuteAsync(userId, (int)period, start, keyId, model, bucket, t.Requests, t.Errors, t.PromptTokens, t.CompletionTokens, t.CachedTokens, t.CostMicros);
    }

    private readonly record struct Totals(long Requests, long Errors, long PromptTokens, long CompletionTokens, long CachedTokens, long CostMicros);
}
