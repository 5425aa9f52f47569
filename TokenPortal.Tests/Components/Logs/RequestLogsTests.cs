using System.Runtime.CompilerServices;
using Bunit;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using TokenPortal.Core.Data.Entities;
using TokenPortal.Core.Keys;
using TokenPortal.Core.Usage;
using TokenPortal.Web.Components.Pages.Logs;

namespace TokenPortal.Tests.Components.Logs;

public sealed class RequestLogsTests : PortalTestContext
{
    private static readonly DateTimeOffset Now = new(2026, 11, 22, 12, 0, 0, TimeSpan.Zero);
    private readonly RecordingLogQueries _logs = new();

    public RequestLogsTests()
    {
        Services.AddSingleton<IRequestLogQueries>(_logs);
        Services.AddSingleton<IApiKeyService>(new NoKeys());
        Services.AddSingleton<TimeProvider>(new FakeTimeProvider(Now));
    }

    [Fact]
    public void FirstLoad_AsksForTheSignedInUsersLastSevenDaysNewestFirst_AndShowsTheRows()
    {
        _logs.Rows = [Row("gpt-test", 200, 1234), Row("claude-x", 502, 0)];
        var page = Render<RequestLogs>();

        page.WaitForAssertion(() => Assert.True(page.Markup.Contains("claude-x"), $"{_logs.Requests.Count} loads; {string.Join(";", _logs.Requests.Select(r => r.Filter))}"));
        var (userId, filter) = _logs.Requests.Last();
        Assert.Equal(UserId, userId);
        Assert.Equal(Now.AddDays(-7), filter.From);
        Assert.True(filter.To > Now);
        Assert.Equal(LogSortColumn.Time, filter.SortBy);
        Assert.True(filter.Descending);
        Assert.Contains("$0.001234", page.Markup);
        Assert.Contains("502", page.Markup);
    }

    [Fact]
    public void ARowServedAfterFailover_ShowsTheChannelThatServedAndItsAttempts()
    {
        var failedOver = Row("gpt-test", 200, 1234);
        (failedOver.Provider, failedOver.UpstreamModel, failedOver.Attempts) = ("azure-east", "gpt-4o-mini-2024", 2);
        var direct = Row("claude-x", 200, 99);
        (direct.Provider, direct.UpstreamModel, direct.Attempts) = ("anthropic", "claude-3", 1);
        _logs.Rows = [failedOver, direct];
        var page = Render<RequestLogs>();

        page.WaitForAssertion(() => Assert.Contains("azure-east / gpt-4o-mini-2024", page.Markup));
        Assert.Contains("anthropic / claude-3", page.Markup);
        var attempts = Assert.Single(page.FindAll("[data-testid=log-attempts]"));
        Assert.Contains("2 attempts", attempts.OuterHtml);
    }

    [Fact]
    public void CsvLink_CarriesTheSameFilter()
    {
        var form = LogFilterForm.LastDays(Now, 1);
        form.Model = "gpt-test";
        form.Status = LogStatusFilter.Failed;
        form.MinCostUsd = 0.0015m;
        var url = form.CsvUrl(form.ToFilter(LogSortColumn.Cost, descending: false));

        Assert.StartsWith("portal/logs.csv?", url);
        Assert.Contains($"from={Now.AddDays(-1).ToUnixTimeMilliseconds()}", url);
        Assert.Contains("model=gpt-test", url);
        Assert.Contains("status=Failed", url);
        Assert.Contains("minCostMicros=1500", url);
        Assert.Contains("sort=Cost", url);
        Assert.Contains("desc=false", url);
    }

    private static RequestLogRecord Row(string model, int status, long cost) => new()
    {
        RequestId = Guid.NewGuid().ToString("N"), CreatedAt = Now.AddMinutes(-5), UserId = UserId, KeyPrefix = "sk-tp-abcdef",
        Model = model, Provider = "p", Status = status, CostMicros = cost, PromptTokens = 10, CompletionTokens = 5, LatencyMs = 40,
    };

    private sealed class RecordingLogQueries : IRequestLogQueries
    {
        public List<(string UserId, LogFilter Filter)> Requests { get; } = [];

        public IReadOnlyList<RequestLogRecord> Rows { get; set; } = [];

        public Task<LogPage> PageAsync(string userId, LogFilter filter, int skip, int take, CancellationToken cancellationToken)
        {
            Requests.Add((userId, filter));
            return Task.FromResult(new LogPage(Rows, Rows.Count));
        }

        public async IAsyncEnumerable<RequestLogRecord> StreamAsync(string userId, LogFilter filter, [EnumeratorCancellation] CancellationToken cancellationToken)
        {
            await Task.Yield();
            foreach (var row in Rows)
                yield return row;
        }

        public Task<IReadOnlyList<string>> ModelsAsync(string userId, CancellationToken cancellationToken) => Task.FromResult<IReadOnlyList<string>>(["gpt-test"]);
    }

    private sealed class NoKeys : IApiKeyService
    {
        public Task<CreatedApiKey> CreateAsync(string userId, ApiKeySpec spec, CancellationToken cancellationToken, string? actor = null) => throw new NotSupportedException();

        public Task<IReadOnlyList<ApiKey>> ListAsync(string userId, CancellationToken cancellationToken) => Task.FromResult<IReadOnlyList<ApiKey>>([]);

        public Task<RevokeResult> RevokeAsync(string userId, long keyId, CancellationToken cancellationToken) => Task.FromResult(RevokeResult.NotFound);

        public Task<RevokeResult> RevokeAsync(string prefixOrKey, string actor, CancellationToken cancellationToken) => Task.FromResult(RevokeResult.NotFound);
    }
}
