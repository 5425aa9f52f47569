using System.Linq.Expressions;
using System.Runtime.CompilerServices;
using Microsoft.EntityFrameworkCore;
using TokenPortal.Core.Data;
using TokenPortal.Core.Data.Entities;

namespace TokenPortal.Core.Usage;

/// <inheritdoc />
internal sealed class RequestLogQueries(IDbContextFactory<TokenPortalDbContext> dbFactory) : IRequestLogQueries
{
    private const int MaxPageSize = 500;

    public async Task<LogPage> PageAsync(string userId, LogFilter filter, int skip, int take, CancellationToken cancellationToken)
    {
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        var query = Filter(db, userId, filter);
        var total = await query.CountAsync(cancellationToken);
        var rows = await Sort(query, filter).Skip(Math.Max(0, skip)).Take(Math.Clamp(take, 1, MaxPageSize)).ToListAsync(cancellationToken);
        return new LogPage(rows, total);
    }

    public async IAsyncEnumerable<RequestLogRecord> StreamAsync(string userId, LogFilter filter, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        await foreach (var row in Sort(Filter(db, userId, filter), filter).AsAsyncEnumerable().WithCancellation(cancellationToken))
            yield return row;
    }

    public async Task<IReadOnlyList<string>> ModelsAsync(string userId, CancellationToken cancellationToken)
    {
        // From the daily rollups: a few rows per day rather than one per request.
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        return await db.UsageRollups.AsNoTracking().Where(r => r.UserId == userId && r.Period == RollupPeriod.Day)
            .Select(r => r.Model).Distinct().OrderBy(m => m).ToListAsync(cancellationToken);
    }

    private static IQueryable<RequestLogRecord> Filter(TokenPortalDbContext db, string userId, LogFilter filter)
    {
        // (UserId, CreatedAt) is indexed: every query is one range of one user's rows.
        var query = db.RequestLogs.AsNoTracking()
            .Where(r => r.UserId == userId && r.CreatedAt >= filter.From && r.CreatedAt < filter.To);
        if (!string.IsNullOrEmpty(filter.Model))
            query = query.Where(r => r.Model == filter.Model);
        if (filter.ApiKeyId is { } keyId)
            query = query.Where(r => r.ApiKeyId == keyId);
        if (filter.Status == LogStatusFilter.Succeeded)
            query = query.Where(r => r.Status < 400);
        else if (filter.Status == LogStatusFilter.Failed)
            query = query.Where(r => r.Status >= 400);
        if (filter.MinCostMicros is { } minCost)
            query = query.Where(r => r.CostMicros >= minCost);
        return query;
    }

    private static IQueryable<RequestLogRecord> Sort(IQueryable<RequestLogRecord> query, LogFilter filter) => filter.SortBy switch
    {
        LogSortColumn.Cost => Order(query, r => r.CostMicros, filter.Descending),
        LogSortColumn.Latency => Order(query, r => r.LatencyMs, filter.Descending),
        LogSortColumn.Tokens => Order(query, r => r.PromptTokens + r.CompletionTokens, filter.Descending),
        _ => Order(query, r => r.CreatedAt, filter.Descending),
    };

    /// <summary>Orders by the column, then by id so that paging is stable when values tie.</summary>
    private static IQueryable<RequestLogRecord> Order<TKey>(IQueryable<RequestLogRecord> query, Expression<Func<RequestLogRecord, TKey>> column, bool descending) =>
        descending ? query.OrderByDescending(column).ThenByDescending(r => r.Id) : query.OrderBy(column).ThenBy(r => r.Id);
}
