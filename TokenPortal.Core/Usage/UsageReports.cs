using Microsoft.EntityFrameworkCore;
using TokenPortal.Core.Data;
using TokenPortal.Core.Data.Entities;

namespace TokenPortal.Core.Usage;

/// <inheritdoc />
internal sealed class UsageReports(IDbContextFactory<TokenPortalDbContext> dbFactory) : IUsageReports
{
    /// <summary>The breakdown's name for requests whose model was never read.</summary>
    public const string UnreadModel = "(unreadable request)";

    /// <summary>The stacked charts' name for the models beyond the <see cref="ChartedModels"/> costliest.</summary>
    public const string OtherModels = "Other models";

    /// <summary>How many models the stacked charts name; more would make colours a legend cannot tell apart.</summary>
    public const int ChartedModels = 5;

    private static readonly TimeSpan Hour = RollupRanges.Hour;
    private static readonly TimeSpan Day = RollupRanges.Day;

    public async Task<UsageReport> GetAsync(
        string userId, DateTimeOffset from, DateTimeOffset to, CancellationToken cancellationToken, long? apiKeyId = null)
    {
        var step = to - from <= TimeSpan.FromDays(2) ? Hour : Day;
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        var rows = await LoadAsync(db, userId, from, to, wholeDays: step == Day, cancellationToken);
        if (apiKeyId is { } keyId)
            rows.RemoveAll(r => r.ApiKeyId != keyId);
        var keyNames = await db.ApiKeys.AsNoTracking().Where(k => k.UserId == userId)
            .ToDictionaryAsync(k => k.Id, k => $"{k.Name} ({k.Prefix}…)", cancellationToken);

        var total = new UsageAccumulator();
        var series = new SortedDictionary<DateTimeOffset, UsageAccumulator>();
        var byModel = new Dictionary<string, UsageAccumulator>();
        var byKey = new Dictionary<long, UsageAccumulator>();
        for (var start = RollupRanges.Floor(from, step); start < to; start += step)
            series[start] = new UsageAccumulator();

        foreach (var row in rows)
        {
            total.Add(row);
            Slot(series, RollupRanges.Floor(row.PeriodStart, step)).Add(row);
            Slot(byModel, ModelName(row)).Add(row);
            Slot(byKey, row.ApiKeyId).Add(row);
        }

        var models = Rank(byModel.Select(m => new UsageBreakdown(m.Key, m.Value.ToTotals())));
        return new UsageReport(
            total.ToTotals(),
            step,
            series.Select(p => new UsagePoint(p.Key, p.Value.ToTotals())).ToList(),
            SplitByModel(rows, series.Keys.ToList(), step, models),
            models,
            Rank(byKey.Select(k => new UsageBreakdown(keyNames.GetValueOrDefault(k.Key, $"key #{k.Key}"), k.Value.ToTotals()))));
    }

    /// <summary>Requests refused before their model was read (malformed bodies) are counted, under a name of their own.</summary>
    private static string ModelName(UsageRollup row) => row.Model.Length > 0 ? row.Model : UnreadModel;

    /// <summary>The series once per charted model (costliest first), and once for all the others together when there are any.</summary>
    private static List<UsageSeries> SplitByModel(
        List<UsageRollup> rows, List<DateTimeOffset> starts, TimeSpan step, List<UsageBreakdown> rankedModels)
    {
        var charted = rankedModels.Take(ChartedModels).Select(m => m.Name).ToList();
        var names = rankedModels.Count > ChartedModels ? [.. charted, OtherModels] : charted;
        var index = starts.Select((start, i) => (start, i)).ToDictionary(p => p.start, p => p.i);
        var cells = names.ToDictionary(n => n, _ => starts.Select(_ => new UsageAccumulator()).ToArray());
        foreach (var row in rows)
        {
            var name = ModelName(row);
            cells[charted.Contains(name) ? name : OtherModels][index[RollupRanges.Floor(row.PeriodStart, step)]].Add(row);
        }
        return names.Select(n => new UsageSeries(n, cells[n].Select(c => c.ToTotals()).ToList())).ToList();
    }

    public async Task<IReadOnlyList<UsagePoint>> DailyAsync(string userId, DateTimeOffset from, DateTimeOffset to, CancellationToken cancellationToken)
    {
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        var rows = await LoadAsync(db, userId, from, to, wholeDays: true, cancellationToken);
        return rows.GroupBy(r => RollupRanges.Floor(r.PeriodStart, Day))
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
    /// The rollup rows covering the hours from <paramref name="from"/>'s to <paramref name="to"/>'s (<see cref="RollupRanges"/>).
    /// The key starts with (user, period, start), so each piece is one index range scan.
    /// </summary>
    private static async Task<List<UsageRollup>> LoadAsync(
        TokenPortalDbContext db, string userId, DateTimeOffset from, DateTimeOffset to, bool wholeDays, CancellationToken cancellationToken)
    {
        var rows = new List<UsageRollup>();
        foreach (var (period, start, end) in RollupRanges.Pieces(from, to, wholeDays))
            rows.AddRange(await RangeAsync(db, userId, period, start, end, cancellationToken));
        return rows;
    }

    private static Task<List<UsageRollup>> RangeAsync(
        TokenPortalDbContext db, string userId, RollupPeriod period, DateTimeOffset from, DateTimeOffset to, CancellationToken cancellationToken) =>
        db.UsageRollups.AsNoTracking()
            .Where(r => r.UserId == userId && r.Period == period && r.PeriodStart >= from && r.PeriodStart < to)
            .ToListAsync(cancellationToken);

    private static UsageAccumulator Slot<TKey>(IDictionary<TKey, UsageAccumulator> slots, TKey key)
    {
        if (!slots.TryGetValue(key, out var slot))
            slots[key] = slot = new UsageAccumulator();
        return slot;
    }

    private static List<UsageBreakdown> Rank(IEnumerable<UsageBreakdown> items) =>
        items.OrderByDescending(b => b.Totals.CostMicros).ThenByDescending(b => b.Totals.Requests).ToList();
}
