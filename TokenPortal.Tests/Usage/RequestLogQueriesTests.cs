using System.Net.Http.Json;
using Microsoft.Extensions.DependencyInjection;
using TokenPortal.Core.Usage;
using TokenPortal.Tests.Infrastructure;

namespace TokenPortal.Tests.Usage;

public sealed class RequestLogQueriesTests(GatewayFixture gateway) : IClassFixture<GatewayFixture>
{
    private IRequestLogQueries Queries => gateway.Factory.Services.GetRequiredService<IRequestLogQueries>();

    private IUsageReports Reports => gateway.Factory.Services.GetRequiredService<IUsageReports>();

    [Fact]
    public async Task PageAsync_FiltersSortsAndNeverShowsAnotherUsersRows()
    {
        var mine = await gateway.CreateAccountAsync();
        var theirs = await gateway.CreateAccountAsync();
        using (var client = gateway.CreateClient(mine.Key))
        {
            for (var i = 0; i < 3; i++)
                (await client.PostAsJsonAsync("v1/chat/completions", new { model = "gpt-test", messages = new[] { new { role = "user", content = new string('x', 1 + i * 400) } } })).EnsureSuccessStatusCode();
            Assert.Equal(404, (int)(await client.PostAsJsonAsync("v1/chat/completions", new { model = "no-such-model", messages = new[] { new { role = "user", content = "x" } } })).StatusCode);
        }
        using (var other = gateway.CreateClient(theirs.Key))
            (await other.PostAsJsonAsync("v1/chat/completions", new { model = "gpt-test", messages = new[] { new { role = "user", content = "x" } } })).EnsureSuccessStatusCode();
        var rows = await gateway.LogRowsAsync(mine);
        var now = DateTimeOffset.UtcNow;
        var week = new LogFilter(now.AddDays(-7), now.AddMinutes(1));

        var all = await Queries.PageAsync(mine.UserId, week, 0, 50, CancellationToken.None);
        Assert.Equal(rows.Count, all.TotalCount);
        Assert.All(all.Rows, r => Assert.Equal(mine.UserId, r.UserId));
        // Newest first; rows are written once their settles commit, so ids need not follow time.
        Assert.Equal(rows.OrderByDescending(r => r.CreatedAt).ThenByDescending(r => r.Id).Select(r => r.Id), all.Rows.Select(r => r.Id));

        var byCost = await Queries.PageAsync(mine.UserId, week with { SortBy = LogSortColumn.Cost }, 0, 1, CancellationToken.None);
        Assert.Equal(rows.Max(r => r.CostMicros), Assert.Single(byCost.Rows).CostMicros);

        var failed = await Queries.PageAsync(mine.UserId, week with { Status = LogStatusFilter.Failed }, 0, 50, CancellationToken.None);
        Assert.All(failed.Rows, r => Assert.True(r.Status >= 400));
        Assert.Equal(rows.Count(r => r.Status >= 400), failed.TotalCount);

        var expensive = await Queries.PageAsync(mine.UserId, week with { MinCostMicros = rows.Max(r => r.CostMicros) }, 0, 50, CancellationToken.None);
        Assert.All(expensive.Rows, r => Assert.Equal(rows.Max(x => x.CostMicros), r.CostMicros));

        var future = await Queries.PageAsync(mine.UserId, new LogFilter(now.AddDays(1), now.AddDays(2)), 0, 50, CancellationToken.None);
        Assert.Equal(0, future.TotalCount);
    }

    [Fact]
    public async Task Reports_TotalsMatchTheLogExactly()
    {
        var account = await gateway.CreateAccountAsync();
        using (var client = gateway.CreateClient(account.Key))
        {
            for (var i = 0; i < 4; i++)
                (await client.PostAsJsonAsync("v1/chat/completions", new { model = "gpt-test", messages = new[] { new { role = "user", content = "hello" } } })).EnsureSuccessStatusCode();
        }
        var rows = await gateway.LogRowsAsync(account);
        var now = DateTimeOffset.UtcNow;

        var report = await Reports.GetAsync(account.UserId, now.AddDays(-1), now.AddHours(1), CancellationToken.None);
        Assert.Equal(rows.Count, report.Totals.Requests);
        Assert.Equal(rows.Sum(r => r.CostMicros), report.Totals.CostMicros);
        Assert.Equal(rows.Sum(r => (long)r.PromptTokens), report.Totals.PromptTokens);
        Assert.Equal(rows.Sum(r => (long)r.CompletionTokens), report.Totals.CompletionTokens);
        Assert.Equal(rows.Sum(r => r.CostMicros), report.Series.Sum(p => p.Totals.CostMicros));
        Assert.Equal("gpt-test", Assert.Single(report.ByModel).Name);
        Assert.NotNull(report.Totals.P95LatencyMs);
        Assert.Equal(TimeSpan.FromHours(1), report.Step);

        var daily = await Reports.DailyAsync(account.UserId, now.AddDays(-90), now.AddHours(1), CancellationToken.None);
        Assert.Equal(rows.Sum(r => r.CostMicros), Assert.Single(daily).Totals.CostMicros);
    }
}
