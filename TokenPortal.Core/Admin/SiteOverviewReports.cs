using System.Globalization;
using Microsoft.EntityFrameworkCore;
using TokenPortal.Core.Data;
using TokenPortal.Core.Data.Entities;
using TokenPortal.Core.Usage;

namespace TokenPortal.Core.Admin;

/// <summary>
/// Totals, series and models come from the rollups, summed in the database; the split by provider from the request log.
/// Both are read per UTC day and a closed day is read once, so a long range costs its open ends and the days not yet
/// seen. The rollups' key leads with the user: naming the users lets the database seek each one's range of the key
/// instead of reading the whole table (accounts number thousands; rollup rows, millions).
/// </summary>
internal sealed class SiteOverviewReports(IDbContextFactory<TokenPortalDbContext> dbFactory, TimeProvider clock) : ISiteOverviewReports
{
    public const int TopUserCount = 10;

    private readonly ClosedDayCache<IReadOnlyList<UsageRollup>> _rollupDays = new(clock);
    private readonly ClosedDayCache<IReadOnlyList<Outcome>> _outcomeDays = new(clock);

    public async Task<SiteOverview> GetAsync(DateTimeOffset from, DateTimeOffset to, CancellationToken cancellationToken)
    {
        var step = to - from <= TimeSpan.FromDays(2) ? RollupRanges.Hour : RollupRanges.Day;
        var pieces = RollupRanges.Pieces(from, to, wholeDays: step == RollupRanges.Day);
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);

        var total = new UsageAccumulator();
        var series = new SortedDictionary<DateTimeOffset, UsageAccumulator>();
        var byModel = new Dictionary<string, UsageAccumulator>();
        var revenue = new SortedDictionary<DateTimeOffset, long>();
        for (var start = RollupRanges.Floor(from, step); start < to; start += step)
            (series[start], revenue[start]) = (new UsageAccumulator(), 0);
        foreach (var row in await RollupSumsAsync(db, pieces, cancellationToken))
        {
            total.Add(row);
            Slot(series, RollupRanges.Floor(row.PeriodStart, step)).Add(row);
            Slot(byModel, row.Model.Length > 0 ? row.Model : UsageReports.UnreadModel).Add(row);
        }
        foreach (var payment in await db.StripePayments.AsNoTracking().Where(p => p.CreatedAt >= from && p.CreatedAt < to)
                     .Select(p => new { p.CreatedAt, Net = p.AmountCents - p.RefundedCents - p.DisputedCents }).ToListAsync(cancellationToken))
        {
            var slot = RollupRanges.Floor(payment.CreatedAt, step);
            revenue[slot] = revenue.GetValueOrDefault(slot) + payment.Net;
        }

        var (firstHour, endHour) = (RollupRanges.Floor(from, RollupRanges.Hour), RollupRanges.Ceiling(to, RollupRanges.Hour));
        return new SiteOverview(
            total.ToTotals(),
            await ActiveUsersAsync(db, pieces, cancellationToken),
            step,
            series.Select(p => new UsagePoint(p.Key, p.Value.ToTotals())).ToList(),
            byModel.Select(m => new UsageBreakdown(m.Key, m.Value.ToTotals()))
                .OrderByDescending(b => b.Totals.CostMicros).ThenByDescending(b => b.Totals.Requests).ToList(),
            ByProvider(await OutcomesAsync(db, firstHour, endHour, cancellationToken)),
            revenue.Select(r => new RevenuePoint(r.Key, r.Value)).ToList(),
            await TopUsersAsync(db, pieces, cancellationToken));
    }

    /// <summary>The accounts that spent most: each piece's rollups summed per account in the database, the pieces added here.</summary>
    private static async Task<IReadOnlyList<UserSpend>> TopUsersAsync(
        TokenPortalDbContext db, IReadOnlyList<(RollupPeriod Period, DateTimeOffset From, DateTimeOffset To)> pieces, CancellationToken cancellationToken)
    {
        var spent = new Dictionary<string, (long Requests, long Cost)>();
        foreach (var (period, start, end) in pieces.Where(p => p.From < p.To))
        {
            foreach (var user in await Rollups(db, period, start, end).GroupBy(r => r.UserId)
                         .Select(g => new { UserId = g.Key, Requests = g.Sum(r => r.Requests), Cost = g.Sum(r => r.CostMicros) }).ToListAsync(cancellationToken))
            {
                var sum = spent.GetValueOrDefault(user.UserId);
                spent[user.UserId] = (sum.Requests + user.Requests, sum.Cost + user.Cost);
            }
        }
        var top = spent.OrderByDescending(s => s.Value.Cost).ThenByDescending(s => s.Value.Requests).ThenBy(s => s.Key, StringComparer.Ordinal)
            .Take(TopUserCount).ToList();
        var ids = top.Select(t => t.Key).ToList();
        var emails = await db.Users.AsNoTracking().Where(u => ids.Contains(u.Id)).ToDictionaryAsync(u => u.Id, u => u.Email ?? u.Id, cancellationToken);
        return top.Select(t => new UserSpend(t.Key, emails.GetValueOrDefault(t.Key, t.Key), t.Value.Requests, t.Value.Cost)).ToList();
    }

    /// <summary>Rollup sums per period start, model and latency bucket: day rows one day at a time, hour rows as they come.</summary>
    private async Task<List<UsageRollup>> RollupSumsAsync(
        TokenPortalDbContext db, IReadOnlyList<(RollupPeriod Period, DateTimeOffset From, DateTimeOffset To)> pieces, CancellationToken cancellationToken)
    {
        var sums = new List<UsageRollup>();
        foreach (var (period, start, end) in pieces)
        {
            if (period == RollupPeriod.Hour)
            {
                sums.AddRange(await SumAsync(db, period, start, end, cancellationToken));
                continue;
            }
            for (var day = start; day < end; day += RollupRanges.Day)
            {
                var (dayStart, dayEnd) = (day, day + RollupRanges.Day);
                sums.AddRange(await _rollupDays.GetAsync(day, async () => await SumAsync(db, period, dayStart, dayEnd, cancellationToken)));
            }
        }
        return sums;
    }

    private static IQueryable<UsageRollup> Rollups(TokenPortalDbContext db, RollupPeriod period, DateTimeOffset from, DateTimeOffset to)
    {
        var everyone = db.Users.Select(u => u.Id);
        return db.UsageRollups.AsNoTracking()
            .Where(r => everyone.Contains(r.UserId) && r.Period == period && r.PeriodStart >= from && r.PeriodStart < to);
    }

    private static async Task<IReadOnlyList<UsageRollup>> SumAsync(
        TokenPortalDbContext db, RollupPeriod period, DateTimeOffset from, DateTimeOffset to, CancellationToken cancellationToken) =>
        await Rollups(db, period, from, to)
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

    /// <summary>Accounts with a rollup row in any piece: one key seek per account, not a read of every row in the range.</summary>
    private static Task<int> ActiveUsersAsync(
        TokenPortalDbContext db, IReadOnlyList<(RollupPeriod Period, DateTimeOffset From, DateTimeOffset To)> pieces, CancellationToken cancellationToken)
    {
        IQueryable<string>? active = null;
        foreach (var (period, start, end) in pieces.Where(p => p.From < p.To))
        {
            var inPiece = db.Users.Where(u => db.UsageRollups.Any(r => r.UserId == u.Id && r.Period == period && r.PeriodStart >= start && r.PeriodStart < end))
                .Select(u => u.Id);
            active = active is null ? inPiece : active.Union(inPiece);
        }
        return active?.CountAsync(cancellationToken) ?? Task.FromResult(0);
    }

    /// <summary>The log's outcomes in [from, to): whole days one at a time (closed ones from memory), the ends from the database.</summary>
    private async Task<List<Outcome>> OutcomesAsync(TokenPortalDbContext db, DateTimeOffset from, DateTimeOffset to, CancellationToken cancellationToken)
    {
        var firstDay = RollupRanges.Ceiling(from, RollupRanges.Day);
        var endDay = RollupRanges.Floor(to, RollupRanges.Day);
        if (firstDay >= endDay)
            return [.. await ReadAsync(db, from, to, cancellationToken)];

        var outcomes = new List<Outcome>(await ReadAsync(db, from, firstDay, cancellationToken));
        for (var day = firstDay; day < endDay; day += RollupRanges.Day)
        {
            var (dayStart, dayEnd) = (day, day + RollupRanges.Day);
            outcomes.AddRange(await _outcomeDays.GetAsync(day, () => ReadAsync(db, dayStart, dayEnd, cancellationToken)));
        }
        outcomes.AddRange(await ReadAsync(db, endDay, to, cancellationToken));
        return outcomes;
    }

    private static async Task<IReadOnlyList<Outcome>> ReadAsync(TokenPortalDbContext db, DateTimeOffset from, DateTimeOffset to, CancellationToken cancellationToken)
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
