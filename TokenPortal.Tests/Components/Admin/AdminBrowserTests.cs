using System.Net.Http.Json;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;
using TokenPortal.Core.Accounts;
using TokenPortal.Core.Metering;
using TokenPortal.Tests.Infrastructure;

namespace TokenPortal.Tests.Components.Admin;

/// <summary>
/// The admin pages in Chromium at a desktop width, at a phone's and in dark mode: readable tables (nothing cut off, no
/// sideways scroll), cards on the phone, and the overview over real traffic. Screenshots land in bin/.../screenshots.
/// </summary>
[Trait("Category", "Browser")]
public sealed class AdminBrowserTests(PortalFixture portal) : IClassFixture<PortalFixture>
{
    private const string Password = "Correct-Horse-9";

    private static readonly (string Path, string Name, string Ready)[] Pages =
    [
        ("/admin/overview", "overview", "[data-stat=requests]"),
        ("/admin/users", "users", "[data-testid=users-grid] tbody tr"),
        ("/admin/catalog", "catalog", "[data-testid=admin-models-grid] tbody tr"),
        ("/admin/settings", "settings", "input[name=Multiplier]"),
        ("/admin/audit", "audit", "[data-testid=audit-grid] tbody tr"),
    ];

    [Fact]
    public async Task AdminPages_DesktopPhoneAndDark_AreReadableWithoutSidewaysScroll()
    {
        var admin = await AdminAsync();
        await TrafficAsync();
        await using var context = await portal.NewContextAsync();
        var page = await context.NewPageAsync();
        await LogInAsync(page, admin);

        // 1280 px, the narrowest desktop the issue names: every table fits, no cell is cut off.
        await page.SetViewportSizeAsync(1280, 900);
        foreach (var (path, name, ready) in Pages)
        {
            await OpenAsync(page, path, ready);
            await AssertNoSidewaysScrollAsync(page, path);
            await PortalFixture.ScreenshotAsync(page, $"29-1280-admin-{name}");
            await PortalFixture.AssertGridNotCutOffAsync(page, null, $"{path} at 1280 px");
        }

        await page.SetViewportSizeAsync(1366, 900);
        await OpenAsync(page, "/admin/overview", "[data-stat=requests]");
        await Assertions.Expect(page.Locator("[data-stat=requests]")).Not.ToHaveTextAsync("0");
        await Assertions.Expect(page.Locator("[data-testid=provider-errors-grid] tbody tr", new() { HasText = "fake" })).ToContainTextAsync("upstream_error");
        Assert.True(await page.Locator("[data-testid=spend-chart] svg rect, [data-testid=spend-chart] svg path").CountAsync() > 0, "the spend chart draws nothing");
        foreach (var (path, name, ready) in Pages)
        {
            await OpenAsync(page, path, ready);
            await PortalFixture.ScreenshotAsync(page, $"30-admin-{name}");
        }
        await OpenAsync(page, "/admin/catalog", "[data-testid=admin-models-grid] tbody tr");
        await page.ClickAsync("[data-testid=add-model]");
        await page.Locator(".mud-dialog input[name=PublicId]").FillAsync("new-model");
        await ViewportShotAsync(page, "30-admin-catalog-add-model");
        await page.GetByRole(AriaRole.Button, new() { Name = "Cancel" }).ClickAsync();

        // A phone: lists become cards, nothing scrolls sideways.
        await page.SetViewportSizeAsync(390, 844);
        foreach (var (path, name, ready) in Pages)
        {
            await OpenAsync(page, path, ready);
            await AssertNoSidewaysScrollAsync(page, path);
            if (path != "/admin/settings")
                Assert.True(await page.Locator("td[data-label]:visible").CountAsync() > 0, $"{path} shows no cards on a phone");
            await ViewportShotAsync(page, $"31-phone-admin-{name}");
        }
        await OpenAsync(page, "/admin/catalog", "[data-testid=admin-models-grid] tbody tr");
        await page.ClickAsync("[data-testid=add-provider]");
        await page.Locator(".mud-dialog input[name=Name]").WaitForAsync();
        await AssertNoSidewaysScrollAsync(page, "the add provider dialog");
        await ViewportShotAsync(page, "31-phone-admin-catalog-add-provider");

        // Dark, from the cookie the toggle writes.
        await context.AddCookiesAsync([new Cookie { Name = "TokenPortalTheme", Value = "dark", Url = portal.BrowserAddress.ToString() }]);
        await page.SetViewportSizeAsync(1366, 900);
        foreach (var (path, name, ready) in Pages)
        {
            await OpenAsync(page, path, ready);
            Assert.True(await PageTheme.IsDarkAsync(page), $"{path} is not dark");
            await PortalFixture.ScreenshotAsync(page, $"32-dark-admin-{name}");
        }
        await page.SetViewportSizeAsync(390, 844);
        await OpenAsync(page, "/admin/overview", "[data-stat=requests]");
        await ViewportShotAsync(page, "32-dark-phone-admin-overview");
    }

    [Fact]
    public async Task AddProviderAndModel_InTheBrowser_AnswerTheNextRequest()
    {
        var admin = await AdminAsync();
        var customer = await portal.CreateAccountAsync();
        await using var context = await portal.NewContextAsync();
        var page = await context.NewPageAsync();
        await LogInAsync(page, admin);
        await OpenAsync(page, "/admin/catalog", "[data-testid=admin-models-grid] tbody tr");

        await page.ClickAsync("[data-testid=add-provider]");
        await page.Locator(".mud-dialog input[name=Name]").FillAsync("browser-account");
        await page.Locator(".mud-dialog input[name=BaseUrl]").FillAsync(portal.Upstream.BaseUrl.ToString());
        await page.Locator(".mud-dialog input[name=ApiKeys]").FillAsync("sk-browser-account");
        await page.Locator(".mud-dialog").GetByRole(AriaRole.Button, new() { Name = "Add provider" }).ClickAsync();
        await Assertions.Expect(page.GetByText("browser-account added")).ToBeVisibleAsync();

        await page.ClickAsync("[data-testid=add-model]");
        // The message about the provider goes when the next dialog opens: it would sit over the dialog's buttons.
        await Assertions.Expect(page.Locator(".mud-snackbar")).ToHaveCountAsync(0, new() { Timeout = 1_500 });
        await page.Locator(".mud-dialog input[name=PublicId]").FillAsync("browser-model");
        await page.Locator(".mud-dialog input[name=Input]").FillAsync("1.5");
        await page.Locator(".mud-dialog input[name=Output]").FillAsync("6");
        await page.Locator(".mud-dialog [data-testid=channel-row] .tp-channel-provider").ClickAsync();
        await page.Locator(".mud-popover-open .mud-list-item", new() { HasText = "browser-account" }).ClickAsync();
        await page.Locator(".mud-dialog input[name=UpstreamModel]").FillAsync("browser-upstream");
        await ViewportShotAsync(page, "33-admin-add-model-filled");
        await page.Locator(".mud-dialog").GetByRole(AriaRole.Button, new() { Name = "Add model" }).ClickAsync();
        await Assertions.Expect(page.GetByText("browser-model added; the gateway serves it from the next request.")).ToBeVisibleAsync();
        await Assertions.Expect(page.Locator("[data-testid=admin-models-grid] tr", new() { HasText = "browser-account/browser-upstream" })).ToHaveCountAsync(1);

        using var api = portal.CreateClient(customer.Key);
        using var answer = await api.PostAsJsonAsync("v1/chat/completions", new { model = "browser-model", messages = new[] { new { role = "user", content = "hi" } } });
        Assert.Equal(System.Net.HttpStatusCode.OK, answer.StatusCode);
        Assert.Equal("Bearer sk-browser-account", Assert.Single(portal.Upstream.Received, r => r.Model == "browser-upstream").Authorization);
    }

    private async Task<string> AdminAsync()
    {
        var email = $"admin-{Guid.NewGuid():N}@example.test";
        await using var scope = portal.Factory.Services.CreateAsyncScope();
        await scope.ServiceProvider.GetRequiredService<IAccountService>().CreateAsync(email, Password, isAdmin: true, CancellationToken.None);
        return email;
    }

    /// <summary>Some served requests and some failures, so the overview has figures, a chart and errors by provider.</summary>
    private async Task TrafficAsync()
    {
        var customer = await portal.CreateAccountAsync();
        using var api = portal.CreateClient(customer.Key);
        foreach (var model in new[] { "gpt-test", "gpt-test", "deepseek", "500", "claude-test", "no-such-model" })
            (await api.PostAsJsonAsync("v1/chat/completions", new { model, messages = new[] { new { role = "user", content = "hi" } } })).Dispose();
        await portal.Factory.Services.GetRequiredService<RequestLogWriter>().FlushAsync(CancellationToken.None);
    }

    private static async Task OpenAsync(IPage page, string path, string ready)
    {
        await page.GotoAsync(path);
        await page.WaitForSelectorAsync("body[data-interactive=true]");
        await page.Locator(ready).First.WaitForAsync();
    }

    /// <summary>What the screen shows (a dialog over its page); the full-page shots are for long pages.</summary>
    private static Task ViewportShotAsync(IPage page, string name) =>
        page.ScreenshotAsync(new PageScreenshotOptions { Path = Path.Combine(PortalFixture.ScreenshotDirectory, name + ".png") });

    private static async Task AssertNoSidewaysScrollAsync(IPage page, string what) =>
        Assert.True(await page.EvaluateAsync<int>("() => document.documentElement.scrollWidth - window.innerWidth") <= 0, $"{what} scrolls sideways");

    private static async Task LogInAsync(IPage page, string email)
    {
        await page.GotoAsync("/Account/Login");
        await page.FillAsync("#Input\\.Email", email);
        await page.FillAsync("#Input\\.Password", Password);
        await page.ClickAsync("button:has-text('Log in') >> nth=0");
        await page.WaitForSelectorAsync("body[data-interactive=true]");
    }
}
