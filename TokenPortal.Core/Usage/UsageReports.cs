using System.Linq.Expressions;
using Microsoft.EntityFrameworkCore;
using TokenPortal.Core.Data;
using TokenPortal.Core.Data.Entities;

namespace TokenPortal.Core.Usage;

/// <inheritdoc />
/// <remarks>
/// The database sums the rollups per (hour, latency bucket), per (model, bucket) and per (key, bucket), so what
/// crosses into .NET is bounded by hours x buckets however many requests there were.
/// </remarks>
internal sealed class UsageReports(IDbContextFactory<TokenPortalDbContext> dbFactory) : IUsageReports
{
    private static readonly TimeSpan Hour = TimeSpan.FromHours(1);
    private static readonly TimeSpan Day = TimeSpan.FromDays(1);

    public async Task<UsageReport> GetAsync(string userId, DateTimeOffset from, DateTimeOffset to, CancellationToken cancellationToken)
    {
        var step = to - from <= TimeSpan.FromDays(2) ? Hour : Day;
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        var range = Range(db, userId, from, to);

        var total = new UsageAccumulator();
        var series = new SortedDictionary<DateTimeOffset, UsageAccumulator>();
        for (var start = Floor(from, step); start < to; start += step)
            series[start] = new UsageAccumulator();
        foreach (var row in await SumAsync(range, r => new RollupKey { HourStart = r.HourStart, LatencyBucket = r.LatencyBucket }, cancellationToken))
        {
            total.Add(row);
            Slot(series, Floor(row.HourStart, step)).Add(row);
        }

        var byModel = new Dictionary<string, UsageAccumulator>();
        foreach (var row in await SumAsync(range, r => new RollupKey { Model = r.Model, LatencyBucket = r.LatencyBucket }, cancellationToken))
            Slot(byModel, row.Model).Add(row);

        var byKey = new Dictionary<long, UsageAccumulator>();
        foreach (var row in await SumAsync(range, r => new RollupKey { ApiKeyId = r.ApiKeyId, LatencyBucket = r.LatencyBucket }, cancellationToken))
            Slot(byKey, row.ApiKeyId).Add(row);
        var keyNames = await db.ApiKeys.AsNoTracking().Where(k => k.UserId == userId)
            .ToDictionaryAsync(k => k.Id, k => $"{k.Name} ({k.Prefix}…)", cancellationToken);

        return new UsageReport(
            total.ToTotals(),
            step,
            series.Select(p => new UsagePoint(p.Key, p.Value.ToTotals())).ToList(),
            Rank(byModel.Select(m => new UsageBreakdown(m.Key, m.Value.ToTotals()))),
            Rank(byKey.Select(k => new UsageBreakdown(keyNames.GetValueOrDefault(k.Key, $"key #{k.Key}"), k.Value.ToTotals()))));
    }

    public async Task<IReadOnlyList<UsagePoint>> DailyAsync(string userId, DateTimeOffset from, DateTimeOffset to, CancellationToken cancellationToken)
    {
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        var days = new Dictionary<DateTimeOffset, UsageAccumulator>();
        foreach (var row in await SumAsync(Range(db, userId, from, to), r => new RollupKey { HourStart = r.HourStart, LatencyBucket = r.LatencyBucket }, cancellationToken))
            Slot(days, Floor(row.HourStart, Day)).Add(row);
        return days.OrderByDescending(d => d.Key).Select(d => new UsagePoint(d.Key, d.Value.ToTotals())).ToList();
    }

    /// <summary>The rollups' key starts with (user, hour), so this is one index range.</summary>
    private static IQueryable<UsageRollup> Range(TokenPortalDbContext db, string userId, DateTimeOffset from, DateTimeOffset to)
    {
        var firstHour = Floor(from, Hour);
        return db.UsageRollups.AsNoTracking().Where(r => r.UserId == userId && r.HourStart >= firstHour && r.HourStart < to);
    }

    /// <summary>Sums the rows per key in the database; each result is a rollup row whose ungrouped key columns stay at their defaults.</summary>
    private static Task<List<UsageRollup>> SumAsync(IQueryable<UsageRollup> range, Expression<Func<UsageRollup, RollupKey>> key, CancellationToken cancellationToken) =>
        range.GroupBy(key).Select(g => new UsageRollup
        {
            UserId = "",
            HourStart = g.Key.HourStart,
            Model = g.Key.Model,
            ApiKeyId = g.Key.ApiKeyId,
            LatencyBucket = g.Key.LatencyBucket,
            Requests = g.Sum(r => r.Requests),
            Errors = g.Sum(r => r.Errors),
            PromptTokens = g.Sum(r => r.PromptTokens),
            CompletionTokens = g.Sum(r => r.CompletionTokens),
            CachedTokens = g.Sum(r => r.CachedTokens),
            CostMicros = g.Sum(r => r.CostMicros),
        }).ToListAsync(cancellationToken);

    private sealed class RollupKey
    {
        public DateTimeOffset HourStart { get; init; }

        public string Model { get; init; } = "";

        public long ApiKeyId { get; init; }

        public int LatencyBucket { get; init; }
    }

    private static DateTimeOffset Floor(DateTimeOffset time, TimeSpan step)
    {
        var utc = time.ToUniversalTime();
        return new DateTimeOffset(utc.Ticks - utc.Ticks % step.Ticks, TimeSpan.Zero);
    }

    private static UsageAccumulator Slot<TKey>(IDictionary<TKey, UsageAccumulator> slots, TKey key)
        where TKey : notnull
    {
        if (!slots.TryGetValue(key, out var slot))
            slots[key] = slot = new UsageAccumulator();
        return slot;
    }

    private static List<UsageBreakdown> Rank(IEnumerable<UsageBreakdown> items) =>
        items.OrderByDescending(b => b.Totals.CostMicros).ThenByDescending(b => b.Totals.Requests).ToList();
}
