using Bunit;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using MudBlazor;
using TokenPortal.Core.Data.Entities;
using TokenPortal.Core.Keys;
using TokenPortal.Core.Usage;
using TokenPortal.Web.Components.Pages.Logs;

namespace TokenPortal.Tests.Components.Logs;

/// <summary>A row of the Logs page opens the request's details: everything the log knows of it, and what it means.</summary>
public sealed class LogDetailsTests : PortalTestContext
{
    private static readonly DateTimeOffset Now = new(2026, 11, 22, 12, 0, 0, TimeSpan.Zero);
    private readonly FakeLogQueries _logs = new();

    public LogDetailsTests()
    {
        Services.AddSingleton<IRequestLogQueries>(_logs);
        Services.AddSingleton<IApiKeyService>(new FakeKeys());
        Services.AddSingleton<TimeProvider>(new FakeTimeProvider(Now));
    }

    [Fact]
    public void StreamedRequest_ShowsEveryFigure_SpeedMeasuredFromTheFirstToken()
    {
        var row = Row("gpt-test", 200);
        (row.RequestId, row.Provider, row.UpstreamModel, row.Attempts) = ("req_8f2c0d", "azure-east", "gpt-4o-mini-2024", 2);
        (row.PromptTokens, row.CachedTokens, row.CompletionTokens) = (1_200, 1_000, 300);
        (row.Stream, row.LatencyMs, row.TimeToFirstTokenMs, row.FinishReason) = (true, 3_200, 200, "length");
        (row.CostMicros, row.WrittenOffMicros) = (1_234_567, 2_500);

        var details = OpenDetails(row);

        Assert.Equal("req_8f2c0d", Detail(details, "request-id"));
        Assert.Equal("azure-east / gpt-4o-mini-2024", Detail(details, "served-by"));
        Assert.StartsWith("2", Detail(details, "attempts"));
        Assert.Equal(("1,200", "1,000", "300"), (Detail(details, "prompt-tokens"), Detail(details, "cached-tokens"), Detail(details, "completion-tokens")));
        Assert.Equal("200 ms", Detail(details, "ttft"));
        Assert.Equal("3,200 ms", Detail(details, "latency"));
        Assert.Equal("100 tokens/s", Detail(details, "speed")); // 300 tokens in the 3.0 s after the first
        Assert.Contains("time to first token", SpeedTooltip(details));
        Assert.StartsWith("length", Detail(details, "finish-reason"));
        Assert.Contains("output token limit", Detail(details, "finish-reason"));
        Assert.StartsWith("200", Detail(details, "status"));
        Assert.Equal("$1.234567", Detail(details, "cost")); // exact, not rounded to cents
        Assert.StartsWith("$0.0025", Detail(details, "written-off"));
        Assert.StartsWith("as the provider reported", Detail(details, "usage-estimated"));
        Assert.Empty(details.FindAll("[data-detail=error-code]"));
    }

    [Fact]
    public void WholeReply_SpeedIsOverTheWholeLatency_AndEstimatedUsageSaysSo()
    {
        var row = Row("claude-x", 200);
        (row.CompletionTokens, row.LatencyMs, row.FinishReason, row.UsageEstimated) = (50, 2_000, "tool_calls", true);

        var details = OpenDetails(row);

        Assert.Equal("25 tokens/s", Detail(details, "speed"));
        Assert.Contains("÷ latency", SpeedTooltip(details));
        Assert.Contains("not streamed", Detail(details, "ttft"));
        Assert.StartsWith("tool_calls", Detail(details, "finish-reason"));
        Assert.StartsWith("estimated", Detail(details, "usage-estimated"));
        Assert.Empty(details.FindAll("[data-detail=written-off]"));
    }

    [Theory]
    [InlineData(403, "model_not_allowed", "slow")]
    [InlineData(404, "model_not_found", "gpt-tset")]
    public void RefusedRequest_ShowsInTheGrid_AndOpensWithItsErrorCode(int status, string errorCode, string model)
    {
        var refused = Row(model, status);
        (refused.ErrorCode, refused.Provider, refused.Attempts, refused.PromptTokens, refused.CompletionTokens, refused.CostMicros) = (errorCode, "", 0, 0, 0, 0);
        _logs.Rows = [Row("gpt-test", 200), refused];
        var dialogs = Render<MudDialogProvider>();
        Render<MudPopoverProvider>();
        var page = Render<RequestLogs>();
        page.WaitForAssertion(() => Assert.Equal(2, page.FindAll("tr.logs-row").Count));
        Assert.Contains(model, page.FindAll("tr.logs-row")[1].TextContent);
        Assert.Contains(status.ToString(), page.FindAll("tr.logs-row")[1].TextContent);

        page.FindAll("tr.logs-row")[1].Click();

        dialogs.WaitForAssertion(() => Assert.NotNull(dialogs.Find("[data-testid=log-details]")));
        Assert.StartsWith(status.ToString(), Detail(dialogs, "status"));
        Assert.Equal(errorCode, Detail(dialogs, "error-code"));
        Assert.Contains("refused before any provider was called", Detail(dialogs, "attempts"));
        Assert.StartsWith("none", Detail(dialogs, "served-by"));
        Assert.StartsWith("none", Detail(dialogs, "finish-reason"));
        Assert.Equal("$0.00", Detail(dialogs, "cost"));
        Assert.StartsWith("none", Detail(dialogs, "usage-estimated"));
    }

    [Fact]
    public void Close_ClosesTheDetails()
    {
        var details = OpenDetails(Row("gpt-test", 200));

        details.FindAll("button").Single(b => b.TextContent.Trim() == "Close").Click();

        details.WaitForAssertion(() => Assert.Empty(details.FindAll("[data-testid=log-details]")));
    }

    [Theory]
    [InlineData(false, null, 40, 0, null, null)] // nothing generated
    [InlineData(false, null, 0, 10, null, null)] // no time measured
    [InlineData(false, null, 1000, 10, 10.0, "a whole reply")]
    [InlineData(true, 200, 1200, 10, 10.0, "from the first token to the last")]
    [InlineData(true, 40, 40, 10, 250.0, "its tokens came together")] // first token at the very end: over the whole latency instead
    [InlineData(true, null, 1000, 10, 10.0, "its tokens came together")] // a stream that wrote nothing before its end
    public void GenerationSpeed_OnlyWhatCanBeMeasured_SaysOverWhichTime(bool stream, int? ttft, int latency, int tokens, double? expected, string? basis)
    {
        var row = Row("m", 200);
        (row.Stream, row.TimeToFirstTokenMs, row.LatencyMs, row.CompletionTokens) = (stream, ttft, latency, tokens);

        var speed = GenerationSpeed.Of(row);

        Assert.Equal(expected, speed?.TokensPerSecond);
        if (basis is not null)
            Assert.Contains(basis, speed!.Value.Basis);
    }

    private IRenderedComponent<MudDialogProvider> OpenDetails(RequestLogRecord row)
    {
        _logs.Rows = [row];
        var dialogs = Render<MudDialogProvider>();
        Render<MudPopoverProvider>();
        var page = Render<RequestLogs>();
        page.WaitForAssertion(() => Assert.Single(page.FindAll("tr.logs-row")));

        page.Find("tr.logs-row").Click();

        dialogs.WaitForAssertion(() => Assert.NotNull(dialogs.Find("[data-testid=log-details]")));
        return dialogs;
    }

    private static string Detail(IRenderedComponent<MudDialogProvider> dialogs, string name) =>
        string.Join(' ', dialogs.Find($"[data-detail={name}]").TextContent.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries));

    private static string SpeedTooltip(IRenderedComponent<MudDialogProvider> dialogs) =>
        dialogs.FindComponents<MudTooltip>().Single().Instance.Text ?? "";

    private static RequestLogRecord Row(string model, int status) => new()
    {
        RequestId = Guid.NewGuid().ToString("N"), CreatedAt = Now.AddMinutes(-5), UserId = UserId, KeyPrefix = "sk-tp-abcdef",
        Model = model, Provider = "p", Attempts = 1, Status = status, CostMicros = 100, PromptTokens = 10, CompletionTokens = 5, LatencyMs = 40,
    };
}
