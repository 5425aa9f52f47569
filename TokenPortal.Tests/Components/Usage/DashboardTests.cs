using System.Security.Claims;
using Bunit;
using Microsoft.Extensions.DependencyInjection;
using TokenPortal.Core.Billing;
using TokenPortal.Core.Data.Entities;
using TokenPortal.Core.Keys;
using TokenPortal.Core.Metering;
using TokenPortal.Core.Usage;
using TokenPortal.Tests.Infrastructure;
using TokenPortal.Web.Components.Pages.Usage;

namespace TokenPortal.Tests.Components.Usage;

/// <summary>The Dashboard over the real ledger, keys and rollups, on the core's fake clock.</summary>
public sealed class DashboardTests : PortalTestContext, IAsyncLifetime
{
    private CoreServices _core = null!;
    private string _user = "";
    private RequestLogWriter _writer = null!;

    public async Task InitializeAsync()
    {
        _core = await CoreServices.StartAsync();
        _user = await _core.CreateUserAsync();
        var auth = AddAuthorization();
        auth.SetAuthorized("someone@example.test");
        auth.SetClaims(new Claim(ClaimTypes.NameIdentifier, _user));
        Services.AddSingleton(_core.Get<ILedger>());
        Services.AddSingleton(_core.Get<IUsageReports>());
        Services.AddSingleton(_core.Get<IApiKeyService>());
        Services.AddSingleton<TimeProvider>(_core.Clock);
        _writer = ActivatorUtilities.CreateInstance<RequestLogWriter>(_core.Services);
        await _writer.StartAsync(CancellationToken.None);
    }

    async Task IAsyncLifetime.DisposeAsync()
    {
        await _writer.StopAsync(CancellationToken.None);
        await _core.DisposeAsync();
    }

    [Fact]
    public async Task WhileOpen_TheFiguresFollowNewRequests_WithoutAReload()
    {
        await LogAsync(new Call("gpt-test", 1, 1_500));
        var page = Render<Dashboard>();
        page.WaitForAssertion(() => Assert.Equal("1", page.Find("[data-stat=requests]").TextContent.Trim()));

        await LogAsync(new Call("gpt-test", 1, 2_000), new Call("claude-test", 1, 4_000));
        _core.Clock.Advance(TimeSpan.FromSeconds(10));

        page.WaitForAssertion(() => Assert.Equal("3", page.Find("[data-stat=requests]").TextContent.Trim()));
        Assert.Contains("claude-test", page.Find("[data-testid=by-model]").TextContent);
    }

    [Fact]
    public async Task TheHeaderBalance_FollowsTheLedger_WhileThePageIsOpen()
    {
        var badge = Render<TokenPortal.Web.Components.Shared.BalanceBadge>();
        badge.WaitForAssertion(() => Assert.Equal("$0.00", badge.Find(".tp-money").TextContent.Trim()));

        await _core.Get<ILedger>().CreditAsync(_user, 2_500_000, LedgerEntryKind.Credit, "top-up elsewhere", CancellationToken.None);
        _core.Clock.Advance(TimeSpan.FromSeconds(10));

        badge.WaitForAssertion(() => Assert.Equal("$2.50", badge.Find(".tp-money").TextContent.Trim()));
    }

    [Fact]
    public async Task Totals_ShowCents_WithTheExactAmountInATooltip_AndTheBreakdownExact()
    {
        await LogAsync(new Call("gpt-test", 1, 1_234_567));
        var page = Render<Dashboard>();

        page.WaitForAssertion(() => Assert.Equal("$1.23", page.Find("[data-stat=today] .tp-money").TextContent.Trim()));
        Assert.Equal("1234567", page.Find("[data-stat=today] .tp-money").GetAttribute("data-micros"));
        Assert.Contains(page.FindComponents<MudBlazor.MudTooltip>(), t => t.Instance.Text == "$1.234567"); // what hovering the rounded total shows
        Assert.Contains("$1.234567", page.Find("[data-testid=by-model]").TextContent);
    }

    [Fact]
    public async Task FilteringByKey_ShowsOnlyThatKeysRequests()
    {
        var keys = _core.Get<IApiKeyService>();
        var first = await keys.CreateAsync(_user, new ApiKeySpec("first"), CancellationToken.None);
        var second = await keys.CreateAsync(_user, new ApiKeySpec("second"), CancellationToken.None);
        await LogAsync(new Call("gpt-test", first.Record.Id, 100), new Call("gpt-test", first.Record.Id, 100), new Call("claude-test", second.Record.Id, 300));
        Render<MudBlazor.MudPopoverProvider>();
        var page = Render<Dashboard>();
        page.WaitForAssertion(() => Assert.Equal("3", page.Find("[data-stat=requests]").TextContent.Trim()));

        await page.InvokeAsync(() => page.FindComponents<MudBlazor.MudSelect<long?>>().Single().Instance.ValueChanged.InvokeAsync(second.Record.Id));

        page.WaitForAssertion(() => Assert.Equal("1", page.Find("[data-stat=requests]").TextContent.Trim()));
        var byModel = page.Find("[data-testid=by-model]").TextContent;
        Assert.Contains("claude-test", byModel);
        Assert.DoesNotContain("gpt-test", byModel);
    }

    private sealed record Call(string Model, long KeyId, long CostMicros);

    private async Task LogAsync(params Call[] calls)
    {
        foreach (var call in calls)
        {
            _writer.Write(new RequestLogRecord
            {
                RequestId = Guid.NewGuid().ToString("N"), CreatedAt = _core.Clock.GetUtcNow().AddMinutes(-1), UserId = _user, ApiKeyId = call.KeyId,
                KeyPrefix = "sk-tp-test00", Model = call.Model, Provider = "fake", Status = 200, PromptTokens = 10, CompletionTokens = 5,
                CostMicros = call.CostMicros, LatencyMs = 120,
            });
        }
        await _writer.FlushAsync(CancellationToken.None);
    }
}
