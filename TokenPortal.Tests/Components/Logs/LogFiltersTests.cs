using Bunit;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using MudBlazor;
using TokenPortal.Core.Data.Entities;
using TokenPortal.Core.Keys;
using TokenPortal.Core.Usage;
using TokenPortal.Web.Components.Pages.Logs;

namespace TokenPortal.Tests.Components.Logs;

/// <summary>The Logs page's filters, paging and live refresh: what each load asks the database for.</summary>
public sealed class LogFiltersTests : PortalTestContext
{
    private static readonly DateTimeOffset Now = new(2026, 11, 22, 12, 0, 0, TimeSpan.Zero);
    private readonly FakeLogQueries _logs = new() { TotalCount = 120 };
    private readonly FakeTimeProvider _clock = new(Now);

    public LogFiltersTests()
    {
        Services.AddSingleton<IRequestLogQueries>(_logs);
        Services.AddSingleton<IApiKeyService>(new FakeKeys(new ApiKey { Id = 7, UserId = UserId, Name = "ci", Prefix = "sk-tp-ci0000", Hash = "h" }));
        Services.AddSingleton<TimeProvider>(_clock);
        _logs.Rows = [Row("gpt-test", 200), Row("claude-x", 403)];
    }

    [Fact]
    public void Model_AsksForThatModelFromTheFirstPage_AndTheCsvLinkFollows()
    {
        var page = RenderOnSecondPage();

        Choose<string>(page, "Model", "claude-x");

        page.WaitForAssertion(() => Assert.Equal(("claude-x", 0), (_logs.Last.Filter.Model, _logs.Last.Skip)));
        page.WaitForAssertion(() => Assert.Contains("model=claude-x", page.Find("[data-testid=export-csv]").GetAttribute("href")));

        Choose<string>(page, "Model", "");
        page.WaitForAssertion(() => Assert.Null(_logs.Last.Filter.Model));
        Assert.DoesNotContain("model=", page.Find("[data-testid=export-csv]").GetAttribute("href"));
    }

    [Fact]
    public void KeyStatusAndMinCost_EachNarrowTheQuery_AndTheyAddUp()
    {
        var page = RenderOnSecondPage();

        Choose<long>(page, "Key", 7L);
        page.WaitForAssertion(() => Assert.Equal((7L, 0), (_logs.Last.Filter.ApiKeyId, _logs.Last.Skip)));
        Choose<LogStatusFilter>(page, "Status", LogStatusFilter.Failed);
        page.WaitForAssertion(() => Assert.Equal(LogStatusFilter.Failed, _logs.Last.Filter.Status));
        Choose<decimal?>(page, "Min cost (USD)", 0.0015m);
        page.WaitForAssertion(() => Assert.Equal(1500L, _logs.Last.Filter.MinCostMicros));

        var filter = _logs.Last.Filter;
        Assert.Equal((7L, LogStatusFilter.Failed), (filter.ApiKeyId, filter.Status));
        var href = page.Find("[data-testid=export-csv]").GetAttribute("href");
        Assert.Contains("key=7", href);
        Assert.Contains("status=Failed", href);
        Assert.Contains("minCostMicros=1500", href);
    }

    [Fact]
    public void FilterLabels_NameEveryFilter()
    {
        var page = Render<RequestLogs>();

        var labels = page.FindAll("label").Select(l => l.TextContent.Trim()).ToList();
        Assert.Superset(new HashSet<string> { "From (UTC)", "To (UTC)", "Model", "Key", "Status", "Min cost (USD)" }, labels.ToHashSet());
    }

    [Fact]
    public void DateRange_FromAndTo_AreAskedFor_AndAnEmptyToMeansNow()
    {
        var page = Render<RequestLogs>();
        page.WaitForAssertion(() => Assert.NotEmpty(_logs.Requests));

        Choose<DateTime?>(page, "From (UTC)", new DateTime(2026, 11, 1, 8, 30, 0));
        page.WaitForAssertion(() => Assert.Equal(new DateTimeOffset(2026, 11, 1, 8, 30, 0, TimeSpan.Zero), _logs.Last.Filter.From));
        Choose<DateTime?>(page, "To (UTC)", new DateTime(2026, 11, 2, 0, 0, 0));
        page.WaitForAssertion(() => Assert.Equal(new DateTimeOffset(2026, 11, 2, 0, 0, 0, TimeSpan.Zero), _logs.Last.Filter.To));

        Choose<DateTime?>(page, "To (UTC)", null);
        page.WaitForAssertion(() => Assert.Equal(Now.AddMinutes(1), _logs.Last.Filter.To));
    }

    [Fact]
    public void Sorting_ByCost_AsksTheDatabaseToSortByCost()
    {
        var page = Render<RequestLogs>();
        page.WaitForAssertion(() => Assert.NotEmpty(_logs.Requests));

        page.FindAll("th").Single(th => th.TextContent.Contains("Cost")).QuerySelector(".sortable-column-header")!.Click();

        page.WaitForAssertion(() => Assert.Equal(LogSortColumn.Cost, _logs.Last.Filter.SortBy));
        Assert.Contains("sort=Cost", page.Find("[data-testid=export-csv]").GetAttribute("href"));
    }

    [Fact]
    public void LiveRefresh_ReloadsTheSamePageWithTheSameFilters_AndTakesInRequestsMadeSince()
    {
        var page = Render<RequestLogs>();
        page.WaitForAssertion(() => Assert.NotEmpty(_logs.Requests));
        Choose<LogStatusFilter>(page, "Status", LogStatusFilter.Failed);
        page.WaitForAssertion(() => Assert.Equal(LogStatusFilter.Failed, _logs.Last.Filter.Status));
        page.Find("button[aria-label='Next page']").Click();
        page.WaitForAssertion(() => Assert.Equal(50, _logs.Last.Skip));
        var loads = _logs.Requests.Count;

        _logs.Rows = [.. _logs.Rows, Row("fresh-model", 200)];
        _clock.Advance(TimeSpan.FromSeconds(10));

        page.WaitForAssertion(() => Assert.True(_logs.Requests.Count > loads));
        var refreshed = _logs.Last;
        Assert.Equal((50, LogStatusFilter.Failed), (refreshed.Skip, refreshed.Filter.Status));
        Assert.Equal(Now.AddSeconds(10).AddMinutes(1), refreshed.Filter.To); // the end of "up to now" moves on
        page.WaitForAssertion(() => Assert.Contains("fresh-model", page.Markup));
    }

    /// <summary>The page after its pager's "next": a filter change must take it back to the first.</summary>
    private IRenderedComponent<RequestLogs> RenderOnSecondPage()
    {
        var page = Render<RequestLogs>();
        page.WaitForAssertion(() => Assert.NotEmpty(_logs.Requests));
        page.Find("button[aria-label='Next page']").Click();
        page.WaitForAssertion(() => Assert.Equal(50, _logs.Last.Skip));
        return page;
    }

    /// <summary>What picking a value in the labelled field does: the field (the outermost input of that label) reports it to the page.</summary>
    private static void Choose<T>(IRenderedComponent<RequestLogs> page, string label, T value)
    {
        var field = page.FindComponents<MudBaseInput<T>>().First(f => f.Instance.Label == label);
        page.InvokeAsync(() => field.Instance.ValueChanged.InvokeAsync(value)).GetAwaiter().GetResult();
    }

    private static RequestLogRecord Row(string model, int status) => new()
    {
        RequestId = Guid.NewGuid().ToString("N"), CreatedAt = Now.AddMinutes(-5), UserId = UserId, KeyPrefix = "sk-tp-abcdef",
        Model = model, Provider = "p", Status = status, CostMicros = 100, PromptTokens = 10, CompletionTokens = 5, LatencyMs = 40,
    };
}
