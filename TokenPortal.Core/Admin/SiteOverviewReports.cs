using System.Collections.Concurrent;
using System.Globalization;
using Microsoft.EntityFrameworkCore;
using TokenPortal.Core.Data;
using TokenPortal.Core.Data.Entities;
using TokenPortal.Core.Usage;

namespace TokenPortal.Core.Admin;

/// <summary>
/// Totals, series and models come from the rollups, summed in the database (a few rows per hour or day and model,
/// however long the log). The split by provider needs the log, which is read by its time index: a closed UTC day once,
/// then remembered, so only the open ends of a range are read again.
/// </summary>
internal sealed class SiteOverviewReports(IDbContextFactory<TokenPortalDbContext> dbFactory, TimeProvider clock) : ISiteOverviewReports
{
    /// <summary>Log rows are written behind their requests (batched, after the settle): a day is final once it has been over this long.</summary>
    private static readonly TimeSpan LateRows = TimeSpan.FromMinutes(15);

    private const int MaxDaysRemembered = 400;

    private readonly ConcurrentDictionary<DateTimeOffset, IReadOnlyList<Outcome>> _closedDays = new();

    public async Task<SiteOverview> GetAsync(DateTimeOffset from, DateTimeOffset to, CancellationToken cancellationToken)
    {
        var step = to - from <= TimeSpan.FromDays(2) ? RollupRanges.Hour : RollupRanges.Day;
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);

        var total = new UsageAccumulator();
        var series = new SortedDictionary<DateTimeOffset, UsageAccumulator>();
        var byModel = new Dictionary<string, UsageAccumulator>();
        var users = new HashSet<string>(StringComparer.Ordinal);
        for (var start = RollupRanges.Floor(from, step); start < to; start += step)
            series[start] = new UsageAccumulator();
        foreach (var (period, start, end) in RollupRanges.Pieces(from, to, wholeDays: step == RollupRanges.Day))
        {
            var rows = db.UsageRollups.AsNoTracking().Where(r => r.Period == period && r.PeriodStart >= start && r.PeriodStart < end);
            var sums = await rows
                .GroupBy(r => new { r.PeriodStart, r.Model, r.LatencyBucket })
                .Select(g => new UsageRollup
                {
                    UserId = "",
                    PeriodStart = g.Key.PeriodStart,
                    Model = g.Key.Model,
                    LatencyBucket = g.Key.LatencyBucket,
                    Requests = g.Sum(r => r.Requests),
                    Errors = g.Sum(r => r.Errors),
                    PromptTokens = g.Sum(r => r.PromptTokens),
                    CompletionTokens = g.Sum(r => r.CompletionTokens),
                    CachedTokens = g.Sum(r => r.CachedTokens),
                    CostMicros = g.Sum(r => r.CostMicros),
                })
                .ToListAsync(cancellationToken);
            users.UnionWith(await rows.Select(r => r.UserId).Distinct().ToListAsync(cancellationToken));
            foreach (var row in sums)
            {
                total.Add(row);
                Slot(series, RollupRanges.Floor(row.PeriodStart, step)).Add(row);
                Slot(byModel, row.Model.Length > 0 ? row.Model : UsageReports.UnreadModel).Add(row);
            }
        }

        var outcomes = await OutcomesAsync(db, RollupRanges.Floor(from, RollupRanges.Hour), RollupRanges.Ceiling(to, RollupRanges.Hour), cancellationToken);
        return new SiteOverview(
            total.ToTotals(),
            users.Count,
            step,
            series.Select(p => new UsagePoint(p.Key, p.Value.ToTotals())).ToList(),
            byModel.Select(m => new UsageBreakdown(m.Key, m.Value.ToTotals()))
                .OrderByDescending(b => b.Totals.CostMicros).ThenByDescending(b => b.Totals.Requests).ToList(),
            ByProvider(outcomes));
    }

    /// <summary>The log's outcomes in [from, to): whole closed days from memory once read, the rest from the database.</summary>
    private async Task<List<Outcome>> OutcomesAsync(TokenPortalDbContext db, DateTimeOffset from, DateTimeOffset to, CancellationToken cancellationToken)
    {
        var firstDay = RollupRanges.Ceiling(from, RollupRanges.Day);
        var endDay = RollupRanges.Floor(to, RollupRanges.Day);
        if (firstDay >= endDay)
            return await ReadAsync(db, from, to, cancellationToken);

        var outcomes = await ReadAsync(db, from, firstDay, cancellationToken);
        var now = clock.GetUtcNow();
        for (var day = firstDay; day < endDay; day += RollupRanges.Day)
        {
            if (_closedDays.TryGetValue(day, out var known))
            {
                outcomes.AddRange(known);
                continue;
            }
            var read = await ReadAsync(db, day, day + RollupRanges.Day, cancellationToken);
            if (day + RollupRanges.Day + LateRows <= now)
            {
                if (_closedDays.Count >= MaxDaysRemembered)
                    _closedDays.Clear();
                _closedDays[day] = read;
            }
            outcomes.AddRange(read);
        }
        outcomes.AddRange(await ReadAsync(db, endDay, to, cancellationToken));
        return outcomes;
    }

    private static async Task<List<Outcome>> ReadAsync(TokenPortalDbContext db, DateTimeOffset from, DateTimeOffset to, CancellationToken cancellationToken)
    {
        if (from >= to)
            return [];
        return await db.RequestLogs.AsNoTracking()
            .Where(r => r.CreatedAt >= from && r.CreatedAt < to)
            .GroupBy(r => new { r.Provider, r.Status, r.ErrorCode })
            .Select(g => new Outcome(g.Key.Provider, g.Key.Status, g.Key.ErrorCode, g.LongCount()))
            .ToListAsync(cancellationToken);
    }

    private static List<ProviderOutcomes> ByProvider(IEnumerable<Outcome> outcomes) =>
        outcomes.GroupBy(o => o.Provider.Length > 0 ? o.Provider : ProviderOutcomes.NoProvider)
            .Select(p => new ProviderOutcomes(
                p.Key,
                p.Sum(o => o.Count),
                p.Where(o => o.Status >= 400).Sum(o => o.Count),
                p.Where(o => o.Status >= 400)
                    .GroupBy(o => o.ErrorCode ?? o.Status.ToString(CultureInfo.InvariantCulture))
                    .Select(e => new ErrorCount(e.Key, e.Sum(o => o.Count)))
                    .OrderByDescending(e => e.Count).ThenBy(e => e.Error, StringComparer.Ordinal)
                    .Take(3).ToList()))
            .OrderByDescending(p => p.Errors).ThenByDescending(p => p.Requests).ThenBy(p => p.Provider, StringComparer.Ordinal)
            .ToList();

    private static UsageAccumulator Slot<TKey>(IDictionary<TKey, UsageAccumulator> slots, TKey key) where TKey : notnull
    {
        if (!slots.TryGetValue(key, out var slot))
            slots[key] = slot = new UsageAccumulator();
        return slot;
    }

    /// <summary>How many log rows of one provider ended with one status and error code.</summary>
    private sealed record Outcome(string Provider, int Status, string? ErrorCode, long Count);
}
