using System.Net.Http.Json;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;
using TokenPortal.Core.Keys;
using TokenPortal.Core.Metering;
using TokenPortal.Tests.Infrastructure;

namespace TokenPortal.Tests.Components.Logs;

/// <summary>
/// The Logs page in Chromium: a user's requests (answered, streamed, refused) in the grid at desktop width without a
/// cut-off column, as cards on a phone, each opening its details; new requests appear while the page is open.
/// </summary>
[Trait("Category", "Browser")]
public sealed class LogsBrowserTests(PortalFixture portal) : IClassFixture<PortalFixture>
{
    private const string Password = "Correct-Horse-9";

    [Fact]
    public async Task Requests_ShowInTheGrid_OpenTheirDetails_AndNewOnesArriveWhileThePageIsOpen()
    {
        await using var context = await portal.NewContextAsync();
        var page = await context.NewPageAsync();
        var (key, narrowKey) = await SignUpWithKeysAsync(page);
        using var api = portal.CreateClient(key);
        await CallAsync(api, new { model = "gpt-test", messages = Hi }, expectSuccess: true);
        await CallAsync(api, new { model = "gpt-test", stream = true, messages = Hi }, expectSuccess: true);
        await CallAsync(api, new { model = "gpt-tset", messages = Hi }, expectSuccess: false);
        using var narrowApi = portal.CreateClient(narrowKey);
        await CallAsync(narrowApi, new { model = "claude-test", messages = Hi }, expectSuccess: false);
        await FlushAsync();

        await page.SetViewportSizeAsync(1280, 800);
        await page.GotoAsync("/logs");
        await WaitInteractiveAsync(page);
        var rows = page.Locator("[data-testid=logs-grid] tr.logs-row");
        await Expect(rows).ToHaveCountAsync(4);
        // A row's time is when its request finished: a stream may end after the client has moved on, so only the
        // refused requests' presence is certain, not their place.
        await Expect(rows.Filter(new LocatorFilterOptions { HasText = "403" })).ToHaveCountAsync(1);
        await Expect(rows.Filter(new LocatorFilterOptions { HasText = "404" })).ToHaveCountAsync(1);
        await PortalFixture.ScreenshotAsync(page, "logs-01-desktop-1280");
        await PortalFixture.AssertGridNotCutOffAsync(page, "logs-grid", "1280 px");
        await page.SetViewportSizeAsync(1366, 900);
        await PortalFixture.ScreenshotAsync(page, "logs-01-desktop");

        // The export carries what the grid shows, the finish reason last (none for the refused); in the grid's order,
        // which (as above) is not certain, so compared as a set.
        var csv = await ExportAsync(page);
        Assert.EndsWith(",finish_reason", csv[0]);
        Assert.Equal([",", ",", ",stop", ",stop"], csv[1..].Select(line => line[line.LastIndexOf(',')..]).Order(StringComparer.Ordinal));

        // A filter picked in the page: only the failed requests, in the grid and in the export.
        await page.ClickAsync("[data-testid=filter-status]");
        await page.ClickAsync(".mud-popover-open .mud-list-item:has-text('Failed (400 and above)')");
        await Expect(rows).ToHaveCountAsync(2);
        Assert.Equal(3, (await ExportAsync(page)).Length);
        await page.ClickAsync("[data-testid=filter-status]");
        await page.ClickAsync(".mud-popover-open .mud-list-item:has-text('All statuses')");
        await Expect(rows).ToHaveCountAsync(4);

        // The refused request: its error code, and nothing sent to a provider.
        await rows.Filter(new LocatorFilterOptions { HasText = "claude-test" }).ClickAsync();
        var details = page.Locator("[data-testid=log-details]");
        await Expect(details.Locator("[data-detail=error-code]")).ToHaveTextAsync("model_not_allowed");
        await Expect(details.Locator("[data-detail=attempts]")).ToContainTextAsync("refused before any provider was called");
        await ScreenshotSettledAsync(page, "logs-02-details-403");
        await page.Keyboard.PressAsync("Escape");
        await Expect(details).ToHaveCountAsync(0);

        // The streamed answer: served by the fake provider, stopped on its own, and a speed whose basis is explained.
        await rows.Filter(new LocatorFilterOptions { Has = page.Locator(".logs-stream") }).ClickAsync();
        await Expect(details.Locator("[data-detail=finish-reason]")).ToContainTextAsync("stop");
        await Expect(details.Locator("[data-detail=served-by]")).ToHaveTextAsync("fake / fake-echo");
        await Expect(details.Locator("[data-detail=stream]")).ToHaveTextAsync("yes");
        await Expect(details.Locator("[data-detail=speed]")).ToContainTextAsync("tokens/s");
        await Expect(details.Locator("[data-detail=cost] [data-micros]")).ToHaveTextAsync(new System.Text.RegularExpressions.Regex(@"^\$0\.\d{4,6}$"));
        await details.Locator("[data-detail=speed] .tp-rounded").HoverAsync();
        // Which basis depends on whether the fake's tokens arrived in one millisecond; the unit tests pin each wording.
        await Expect(page.GetByText("Completion tokens ÷")).ToBeVisibleAsync();
        await ScreenshotSettledAsync(page, "logs-03-details-stream");
        await page.ClickAsync("button:has-text('Close')");
        await Expect(details).ToHaveCountAsync(0);

        // Live: a request made now shows within a refresh (10 s), without reloading the page.
        await CallAsync(api, new { model = "Test GPT", messages = Hi }, expectSuccess: true);
        await FlushAsync();
        await Expect(rows).ToHaveCountAsync(5, new LocatorAssertionsToHaveCountOptions { Timeout = 25_000 });

        // The keyboard reaches each request too.
        await page.Locator("[data-testid=logs-grid] button.logs-open").First.FocusAsync();
        await page.Keyboard.PressAsync("Enter");
        await Expect(details).ToBeVisibleAsync();
    }

    [Fact]
    public async Task Phone_RequestsAreCards_NothingScrollsSideways_AndACardOpensItsDetails_DarkToo()
    {
        await using var context = await portal.NewContextAsync();
        var page = await context.NewPageAsync();
        var (key, _) = await SignUpWithKeysAsync(page);
        using var api = portal.CreateClient(key);
        await CallAsync(api, new { model = "gpt-test", stream = true, messages = Hi }, expectSuccess: true);
        await CallAsync(api, new { model = "gpt-tset", messages = Hi }, expectSuccess: false);
        await FlushAsync();

        await page.SetViewportSizeAsync(390, 844);
        await page.GotoAsync("/logs");
        Assert.Equal(0, await page.EvaluateAsync<int>("() => document.documentElement.scrollWidth - window.innerWidth")); // as first painted
        await WaitInteractiveAsync(page);
        var rows = page.Locator("[data-testid=logs-grid] tr.logs-row");
        await Expect(rows).ToHaveCountAsync(2);
        // A card: each value under its column's label, one card per request.
        Assert.Equal("Served by", await rows.First.Locator("td").Nth(2).GetAttributeAsync("data-label"));
        Assert.Equal(0, await page.EvaluateAsync<int>("() => document.documentElement.scrollWidth - window.innerWidth"));
        await PortalFixture.ScreenshotAsync(page, "logs-04-phone");

        await rows.Filter(new LocatorFilterOptions { HasText = "gpt-tset" }).ClickAsync(); // the 404
        var details = page.Locator("[data-testid=log-details]");
        await Expect(details.Locator("[data-detail=error-code]")).ToHaveTextAsync("model_not_found");
        await ScreenshotSettledAsync(page, "logs-05-phone-details");
        Assert.Equal(0, await page.EvaluateAsync<int>("() => document.documentElement.scrollWidth - window.innerWidth"));
        await page.ClickAsync("button:has-text('Close')");

        await context.AddCookiesAsync([new Cookie { Name = "TokenPortalTheme", Value = "dark", Url = portal.BrowserAddress.ToString() }]);
        await page.ReloadAsync();
        await WaitInteractiveAsync(page);
        await Expect(rows).ToHaveCountAsync(2);
        await PortalFixture.ScreenshotAsync(page, "logs-06-phone-dark");
        await page.SetViewportSizeAsync(1366, 900);
        await rows.Filter(new LocatorFilterOptions { Has = page.Locator(".logs-stream") }).ClickAsync();
        await Expect(details.Locator("[data-detail=finish-reason]")).ToContainTextAsync("stop");
        await ScreenshotSettledAsync(page, "logs-07-desktop-dark-details");
    }

    private static readonly object[] Hi = [new { role = "user", content = "hi" }];

    private static async Task CallAsync(HttpClient api, object body, bool expectSuccess)
    {
        using var response = await api.PostAsJsonAsync("v1/chat/completions", body);
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(response.IsSuccessStatusCode == expectSuccess, text);
    }

    /// <summary>The lines of the CSV behind the page's export link, as it is now.</summary>
    private static async Task<string[]> ExportAsync(IPage page)
    {
        var response = await page.APIRequest.GetAsync(await page.Locator("[data-testid=export-csv]").GetAttributeAsync("href") ?? "");
        Assert.Equal(200, response.Status);
        return (await response.TextAsync()).Split('\n', StringSplitOptions.RemoveEmptyEntries);
    }

    private Task FlushAsync() => portal.Factory.Services.GetRequiredService<RequestLogWriter>().FlushAsync(CancellationToken.None);

    /// <summary>A new account with an API key for everything and one allowed only gpt-test (minted directly: the Keys page is not under test here).</summary>
    private async Task<(string Key, string NarrowKey)> SignUpWithKeysAsync(IPage page)
    {
        var email = $"logs-{Guid.NewGuid():N}@example.test";
        await page.GotoAsync("/Account/Register");
        await page.FillAsync("#Input\\.Email", email);
        await page.FillAsync("#Input\\.Password", Password);
        await page.FillAsync("#Input\\.ConfirmPassword", Password);
        await page.ClickAsync("button:has-text('Create account')");
        await WaitInteractiveAsync(page);

        await using var db = await portal.DbAsync();
        var userId = (await db.Users.SingleAsync(u => u.Email == email)).Id;
        var keys = portal.Factory.Services.GetRequiredService<IApiKeyService>();
        var key = await keys.CreateAsync(userId, new ApiKeySpec("everything"), CancellationToken.None);
        var narrow = await keys.CreateAsync(userId, new ApiKeySpec("gpt only", AllowedModels: ["gpt-test"]), CancellationToken.None);
        return (key.PlainKey, narrow.PlainKey);
    }

    /// <summary>A dialog's screenshot once it has finished opening.</summary>
    private static async Task ScreenshotSettledAsync(IPage page, string name)
    {
        await page.WaitForFunctionAsync("() => document.getAnimations().every(a => a.playState !== 'running')");
        await PortalFixture.ScreenshotAsync(page, name);
    }

    private static Task WaitInteractiveAsync(IPage page) => page.WaitForSelectorAsync("body[data-interactive=true]");

    private static ILocatorAssertions Expect(ILocator locator) => Assertions.Expect(locator);
}
