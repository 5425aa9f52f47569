using Bunit;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using MudBlazor;
using TokenPortal.Core.Catalog;
using TokenPortal.Core.Configuration;
using TokenPortal.Core.Routing;
using TokenPortal.Core.Admin;
using TokenPortal.Core.Data.Entities;
using TokenPortal.Core.Metering;
using TokenPortal.Tests.Infrastructure;
using TokenPortal.Web.Components.Pages.Admin;

namespace TokenPortal.Tests.Components.Admin;

/// <summary>The site overview over Core's real rollups and log, written with known traffic.</summary>
public sealed class AdminOverviewTests : AdminTestContext
{
    private CoreServices _core = null!;

    protected override async Task StartServicesAsync()
    {
        _core = await CoreServices.StartAsync();
        Services.AddSingleton(_core.Get<ISiteOverviewReports>());
        Services.AddSingleton<TimeProvider>(_core.Clock);
        Services.AddSingleton(_core.Get<ICatalogAdministration>());
        Services.AddSingleton(_core.Get<IOptionsMonitor<TokenPortalOptions>>());
        Services.AddSingleton(new RoutingHealth());
        Services.AddSingleton(_core.Get<ProviderKeyProtector>());
        Services.AddSingleton<ChannelHealthReader>();
    }

    protected override async Task DisposeServicesAsync() => await _core.DisposeAsync();

    private DateTimeOffset Now => _core.Clock.GetUtcNow();

    [Fact]
    public async Task LastSevenDays_ShowsRequestsErrorsSpendUsersAndErrorsByProvider()
    {
        var (a, b) = (await _core.CreateUserAsync(), await _core.CreateUserAsync());
        await WriteAsync(
            Row(a, Now.AddDays(-8), "old-model", "alpha", 200, cost: 50_000_000), // outside the week
            Row(a, Now.AddDays(-6), "m1", "alpha", 200, cost: 1_000_000, prompt: 1_000, completion: 200),
            Row(a, Now.AddDays(-5), "m1", "alpha", 502, error: "upstream_error"),
            Row(b, Now.AddDays(-3), "m2", "beta", 200, cost: 2_500_000, prompt: 3_000, completion: 800),
            Row(b, Now.AddDays(-1), "m2", "beta", 200, cost: 500_000),
            Row(b, Now.AddHours(-1), "nope", "", 404, error: "model_not_found"));
        Render<MudPopoverProvider>();

        var page = Render<AdminOverview>();

        page.WaitForAssertion(() => Assert.Equal("5", page.Find("[data-stat=requests]").TextContent.Trim()));
        Assert.Equal("2", page.Find("[data-stat=errors]").TextContent.Trim());
        Assert.Contains("40% of requests", page.Find("[data-stat=errors]").ParentElement!.TextContent);
        Assert.Equal("$4.00", page.Find("[data-stat=spend]").TextContent.Trim());
        Assert.Equal("2", page.Find("[data-stat=users]").TextContent.Trim());
        Assert.Equal("5,006", page.Find("[data-stat=tokens]").TextContent.Trim());
        var providers = page.FindAll("[data-testid=provider-errors-grid] tbody tr").Select(r => r.TextContent).ToList();
        Assert.Equal(3, providers.Count);
        Assert.Contains("alpha", providers[0]);
        Assert.Contains("50%", providers[0]);
        Assert.Contains("upstream_error × 1", providers[0]);
        Assert.Contains(ProviderOutcomes.NoProvider, providers[1]);
        Assert.Contains("model_not_found × 1", providers[1]);
        Assert.Contains("beta", providers[2]);
        Assert.Contains("none", providers[2]);
        Assert.DoesNotContain("old-model", page.Find("[data-testid=overview-models-grid]").TextContent);
        Assert.NotNull(page.Find("[data-testid=spend-chart] svg"));
        // Every configured channel, as this server has seen it (no traffic through it here: healthy, nothing measured).
        var claude = page.FindAll("[data-testid=channel-health-grid] tbody tr").First(r => r.TextContent.Contains("claude-test"));
        Assert.Contains("anthropic", claude.TextContent);
        Assert.Contains("healthy", claude.TextContent);
    }

    [Fact]
    public async Task ChangingTheRange_ReadsTheLongerRange()
    {
        var user = await _core.CreateUserAsync();
        await WriteAsync(Row(user, Now.AddDays(-20), "m1", "alpha", 200, cost: 1_000_000), Row(user, Now.AddHours(-2), "m1", "alpha", 200, cost: 1_000_000));
        Render<MudPopoverProvider>();
        var page = Render<AdminOverview>();
        page.WaitForAssertion(() => Assert.Equal("1", page.Find("[data-stat=requests]").TextContent.Trim()));

        var range = page.FindComponent<MudSelect<OverviewRange>>();
        await page.InvokeAsync(() => range.Instance.ValueChanged.InvokeAsync(OverviewRange.Month));

        page.WaitForAssertion(() => Assert.Equal("2", page.Find("[data-stat=requests]").TextContent.Trim()));
        Assert.Equal("$2.00", page.Find("[data-stat=spend]").TextContent.Trim());
    }

    [Fact]
    public void NoTraffic_SaysSoInsteadOfEmptyCharts()
    {
        Render<MudPopoverProvider>();

        var page = Render<AdminOverview>();

        page.WaitForAssertion(() => Assert.Contains("No requests in this range", page.Markup));
        Assert.Empty(page.FindAll("[data-testid=spend-chart]"));
    }

    private async Task WriteAsync(params RequestLogRecord[] rows)
    {
        var writer = ActivatorUtilities.CreateInstance<RequestLogWriter>(_core.Services);
        await writer.StartAsync(CancellationToken.None);
        foreach (var row in rows)
            writer.Write(row);
        await writer.FlushAsync(CancellationToken.None);
        await writer.StopAsync(CancellationToken.None);
    }

    private static RequestLogRecord Row(string userId, DateTimeOffset at, string model, string provider, int status, string? error = null,
        long cost = 0, int prompt = 1, int completion = 1) => new()
    {
        RequestId = Guid.NewGuid().ToString("N"), CreatedAt = at, UserId = userId, ApiKeyId = 1, KeyPrefix = "sk-tp-test00", Model = model,
        Provider = provider, Status = status, ErrorCode = error, CostMicros = cost, PromptTokens = prompt, CompletionTokens = completion, LatencyMs = 120,
    };
}
