using Microsoft.EntityFrameworkCore;
using TokenPortal.Core.Data;
using TokenPortal.Core.Data.Entities;

namespace TokenPortal.Core.Usage;

/// <inheritdoc />
internal sealed class UsageReports(IDbContextFactory<TokenPortalDbContext> dbFactory) : IUsageReports
{
    /// <summary>The breakdown's name for requests whose model was never read.</summary>
    public const string UnreadModel = "(unreadable request)";

    private static readonly TimeSpan Hour = TimeSpan.FromHours(1);
    private static readonly TimeSpan Day = TimeSpan.FromDays(1);

    public async Task<UsageReport> GetAsync(string userId, DateTimeOffset from, DateTimeOffset to, CancellationToken cancellationToken)
    {
        var step = to - from <= TimeSpan.FromDays(2) ? Hour : Day;
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        var rows = await LoadAsync(db, userId, from, to, wholeDays: step == Day, cancellationToken);
        var keyNames = await db.ApiKeys.AsNoTracking().Where(k => k.UserId == userId)
            .ToDictionaryAsync(k => k.Id, k => $"{k.Name} ({k.Prefix}…)", cancellationToken);

        var total = new UsageAccumulator();
        var series = new SortedDictionary<DateTimeOffset, UsageAccumulator>();
        var byModel = new Dictionary<string, UsageAccumulator>();
        var byKey = new Dictionary<long, UsageAccumulator>();
        for (var start = Floor(from, step); start < to; start += step)
            series[start] = new UsageAccumulator();

        foreach (var row in rows)
        {
            total.Add(row);
            Slot(series, Floor(row.PeriodStart, step)).Add(row);
            // Requests refused before their model was read (malformed bodies) are counted, under a name of their own.
            Slot(byModel, row.Model.Length > 0 ? row.Model : UnreadModel).Add(row);
            Slot(byKey, row.ApiKeyId).Add(row);
        }

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
        var rows = await LoadAsync(db, userId, from, to, wholeDays: true, cancellationToken);
        return rows.GroupBy(r => Floor(r.PeriodStart, Day))
            .OrderByDescending(g => g.Key)
            .Select(g =>
            {
                var day = new UsageAccumulator();
                foreach (var row in g)
                    day.Add(row);
                return new UsagePoint(g.Key, day.ToTotals());
            })
            .ToList();
    }

    /// <summary>
    /// The rollup rows covering the hours from <paramref name="from"/>'s to <paramref name="to"/>'s. With
    /// <paramref name="wholeDays"/>, the whole UTC days inside come from day rows and only the partial days at the
    /// ends from hour rows. The key starts with (user, period, start), so each part is one index range scan.
    /// </summary>
    private static async Task<List<UsageRollup>> LoadAsync(
        TokenPortalDbContext db, string userId, DateTimeOffset from, DateTimeOffset to, bool wholeDays, CancellationToken cancellationToken)
    {
        var firstHour = Floor(from, Hour);
        var endHour = Ceiling(to, Hour);
        var firstDay = Ceiling(firstHour, Day);
        var endDay = Floor(endHour, Day);
        if (!wholeDays || firstDay >= endDay)
            return await RangeAsync(db, userId, RollupPeriod.Hour, firstHour, endHour, cancellationToken);

        var rows = await RangeAsync(db, userId, RollupPeriod.Day, firstDay, endDay, cancellationToken);
        rows.AddRange(await RangeAsync(db, userId, RollupPeriod.Hour, firstHour, firstDay, cancellationToken));
        rows.AddRange(await RangeAsync(db, userId, RollupPeriod.Hour, endDay, endHour, cancellationToken));
        return rows;
    }

    private static Task<List<UsageRollup>> RangeAsync(
        TokenPortalDbContext db, string userId, RollupPeriod period, DateTimeOffset from, DateTimeOffset to, CancellationToken cancellationToken) =>
        db.UsageRollups.AsNoTracking()
            .Where(r => r.UserId == userId && r.Period == period && r.PeriodStart >= from && r.PeriodStart < to)
            .ToListAsync(cancellationToken);

    private static DateTimeOffset Ceiling(DateTimeOffset time, TimeSpan step)
    {
        var floor = Floor(time, step);
        return floor == time ? floor : floor + step;
    }

    private static DateTimeOffset Floor(DateTimeOffset time, TimeSpan step)
    {
        var utc = time.ToUniversalTime();
        return new DateTimeOffset(utc.Ticks - utc.Ticks % step.Ticks, TimeSpan.Zero);
    }

    private static UsageAccumulator Slot<TKey>(IDictionary<TKey, UsageAccumulator> slots, TKey key)
    {
        if (!slots.TryGetValue(key, out var slot))
            slots[key] = slot = new UsageAccumulator();
        return slot;
    }

    private static List<UsageBreakdown> Rank(IEnumerable<UsageBreakdown> items) =>
        items.OrderByDescending(b => b.Totals.CostMicros).ThenByDescending(b => b.Totals.Requests).ToList();
}
