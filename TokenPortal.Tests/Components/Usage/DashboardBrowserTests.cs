using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;
using TokenPortal.Core.Accounts;
using TokenPortal.Core.Keys;
using TokenPortal.Core.Metering;
using TokenPortal.Tests.Infrastructure;

namespace TokenPortal.Tests.Components.Usage;

/// <summary>The Dashboard in Chromium after real API calls through two keys: charts drawn, the key filter, dark mode, a phone.</summary>
[Trait("Category", "Browser")]
public sealed class DashboardBrowserTests(PortalFixture portal) : IClassFixture<PortalFixture>
{
    private const string Password = "Correct-Horse-9";

    [Fact]
    public async Task AfterCallsThroughTwoKeys_ChartsAndBreakdownsShowThem_AndTheKeyFilterNarrowsThem()
    {
        var email = $"dash-{Guid.NewGuid():N}@example.test";
        string userId;
        CreatedApiKey app, batch;
        await using (var scope = portal.Factory.Services.CreateAsyncScope())
        {
            userId = (await scope.ServiceProvider.GetRequiredService<IAccountService>().CreateAsync(email, Password, isAdmin: false, CancellationToken.None)).Id;
            await portal.Ledger.CreditAsync(userId, 5_000_000, Core.Data.Entities.LedgerEntryKind.Credit, "test credit", CancellationToken.None);
            var keys = scope.ServiceProvider.GetRequiredService<IApiKeyService>();
            app = await keys.CreateAsync(userId, new ApiKeySpec("web app"), CancellationToken.None);
            batch = await keys.CreateAsync(userId, new ApiKeySpec("nightly batch"), CancellationToken.None);
        }
        await CallAsync(app.PlainKey, "gpt-test", times: 3);
        await CallAsync(batch.PlainKey, "deepseek", times: 2);
        await portal.Factory.Services.GetRequiredService<RequestLogWriter>().FlushAsync(CancellationToken.None);

        await using var context = await portal.NewContextAsync();
        var page = await context.NewPageAsync();
        await page.GotoAsync("/Account/Login");
        await page.FillAsync("#Input\\.Email", email);
        await page.FillAsync("#Input\\.Password", Password);
        await page.ClickAsync("button:has-text('Log in') >> nth=0");
        await WaitInteractiveAsync(page);

        await Expect(page.Locator("[data-stat=requests]")).ToHaveTextAsync("5");
        foreach (var chart in new[] { "spend-chart", "tokens-chart", "requests-chart", "latency-chart" })
            Assert.True(await page.Locator($"[data-testid={chart}] svg path, [data-testid={chart}] svg rect").CountAsync() > 0, $"{chart} draws nothing");
        await Expect(page.Locator("[data-testid=spend-chart]")).ToContainTextAsync("deepseek"); // the legend names the models
        await Expect(page.Locator("[data-testid=by-key]")).ToContainTextAsync("nightly batch");
        // Requests per day and latency are bars: one day of calls still draws (a line needs two points).
        Assert.True(await page.Locator("[data-testid=requests-chart] :is(path, rect).mud-chart-bar").CountAsync() > 0, "no request bars");
        Assert.Equal(2, await page.Locator("[data-testid=latency-chart] :is(path, rect).mud-chart-bar").CountAsync()); // today's p50 and p95
        await PortalFixture.ScreenshotAsync(page, "30-dashboard");
        await page.SetViewportSizeAsync(1280, 900);
        await PortalFixture.AssertGridNotCutOffAsync(page, "by-model", "/ at 1280 px");
        await PortalFixture.AssertGridNotCutOffAsync(page, "by-key", "/ at 1280 px");
        await page.SetViewportSizeAsync(1366, 900);

        await page.ClickAsync("[data-testid=key-filter]");
        await page.GetByRole(AriaRole.Option, new PageGetByRoleOptions { Name = "nightly batch" }).ClickAsync();
        await Expect(page.Locator("[data-stat=requests]")).ToHaveTextAsync("2");
        await Expect(page.Locator("[data-testid=by-model]")).Not.ToContainTextAsync("gpt-test");

        await page.ClickAsync("button[aria-label='Dark mode']");
        await Expect(page.Locator(".tp-layout[data-theme=dark]")).ToHaveCountAsync(1);
        await PortalFixture.ScreenshotAsync(page, "31-dashboard-dark");
        // Each model's bars stand out from the dark card they are drawn on (WCAG's 3:1 for graphics).
        var contrasts = await page.EvaluateAsync<string[]>(BarContrasts, "spend-chart");
        Assert.NotEmpty(contrasts);
        Assert.All(contrasts, c => Assert.True(double.Parse(c.Split(':')[0], System.Globalization.CultureInfo.InvariantCulture) >= 3, $"a bar's colour has a contrast of {c} on the dark card"));

        // The choice outlives the page: a reload paints dark before its circuit starts.
        await page.ReloadAsync(new PageReloadOptions { WaitUntil = WaitUntilState.DOMContentLoaded });
        Assert.Equal("dark", await page.Locator(".tp-layout").GetAttributeAsync("data-theme"));
        Assert.True(await IsDarkBackgroundAsync(page), "the first paint after a reload is not dark");

        await page.SetViewportSizeAsync(390, 844);
        await page.ReloadAsync();
        await WaitInteractiveAsync(page);
        Assert.True(await page.EvaluateAsync<int>("() => document.documentElement.scrollWidth - window.innerWidth") <= 0, "the dashboard is wider than a phone");
        await PortalFixture.ScreenshotAsync(page, "32-phone-dashboard-dark");
        // On a phone the menu opens over the page rather than squeezing it.
        await Expect(page.Locator(".mud-drawer--open")).ToHaveCountAsync(0);
        await page.ClickAsync("button[aria-label='Menu']");
        await Expect(page.Locator(".mud-drawer--open")).ToBeVisibleAsync();
        await Expect(page.Locator(".mud-drawer-overlay--open")).ToBeVisibleAsync();
        Assert.True(await page.EvaluateAsync<int>("() => document.documentElement.scrollWidth - window.innerWidth") <= 0, "the open menu pushes the page sideways");
        await page.ScreenshotAsync(new PageScreenshotOptions { Path = Path.Combine(PortalFixture.ScreenshotDirectory, "33-phone-menu-dark.png") });
        await page.Locator(".mud-drawer-overlay").ClickAsync(new LocatorClickOptions { Position = new Position { X = 370, Y = 400 } });
        await Expect(page.Locator(".mud-drawer--open")).ToHaveCountAsync(0);

        await page.ClickAsync("button[aria-label='Dark mode']");
        await Expect(page.Locator(".tp-layout[data-theme=light]")).ToHaveCountAsync(1); // rendered once the cookie is written
        await page.ReloadAsync(new PageReloadOptions { WaitUntil = WaitUntilState.DOMContentLoaded });
        Assert.Equal("light", await page.Locator(".tp-layout").GetAttributeAsync("data-theme"));
        Assert.False(await IsDarkBackgroundAsync(page));
    }

    private async Task CallAsync(string key, string model, int times)
    {
        using var api = portal.CreateClient(key);
        for (var i = 0; i < times; i++)
        {
            using var response = await api.PostAsync("v1/chat/completions", new StringContent(
                $$"""{"model":"{{model}}","messages":[{"role":"user","content":"hello there"}]}""", System.Text.Encoding.UTF8, "application/json"));
            Assert.True(response.IsSuccessStatusCode, await response.Content.ReadAsStringAsync());
        }
    }

    /// <summary>Whether the page's background (the first opaque one from the content up) is dark: its RGB sum is under a third of white's.</summary>
    private static Task<bool> IsDarkBackgroundAsync(IPage page) => page.EvaluateAsync<bool>("""
        () => {
            for (let el = document.querySelector('.mud-main-content'); el; el = el.parentElement) {
                const [r, g, b, a = 1] = getComputedStyle(el).backgroundColor.match(/[\d.]+/g).map(Number);
                if (a > 0) return r + g + b < 255;
            }
            return false;
        }
        """);

    /// <summary>The contrast ratio of each bar's colour against the first opaque background behind the chart.</summary>
    private const string BarContrasts = """
        chart => {
            const rgb = c => c.match(/[\d.]+/g).map(Number);
            const luminance = ([r, g, b]) => [r, g, b].map(v => v / 255).map(v => v <= 0.03928 ? v / 12.92 : ((v + 0.055) / 1.055) ** 2.4)
                .reduce((sum, v, i) => sum + v * [0.2126, 0.7152, 0.0722][i], 0);
            let card = document.querySelector(`[data-testid=${chart}]`);
            while (card && (rgb(getComputedStyle(card).backgroundColor)[3] ?? 1) === 0) card = card.parentElement;
            const back = luminance(rgb(getComputedStyle(card).backgroundColor));
            return [...document.querySelectorAll(`[data-testid=${chart}] :is(path, rect).mud-chart-bar`)].map(bar => {
                const style = getComputedStyle(bar); // MudBlazor draws a bar as a wide stroke, or as a filled shape
                const colour = style.fill.startsWith('rgb') ? style.fill : style.stroke;
                const fill = luminance(rgb(colour));
                const ratio = (Math.max(fill, back) + 0.05) / (Math.min(fill, back) + 0.05);
                return `${ratio.toFixed(2)}:1 (${colour} on ${getComputedStyle(card).backgroundColor})`;
            });
        }
        """;

    private static Task WaitInteractiveAsync(IPage page) => page.WaitForSelectorAsync("body[data-interactive=true]");

    private static ILocatorAssertions Expect(ILocator locator) => Assertions.Expect(locator);
}
