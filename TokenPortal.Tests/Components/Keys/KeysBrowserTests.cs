using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Microsoft.Playwright;

namespace TokenPortal.Tests.Components.Keys;

/// <summary>
/// The Keys and Models pages in Debian's Chromium: a key created, edited and switched off and on with the gateway
/// following each step; revoked keys behind their switch; the snippet following the model picked. Screenshots at a
/// desktop width, at a phone's 390 px and in dark mode land in bin/.../screenshots (k-*).
/// </summary>
[Trait("Category", "Browser")]
public sealed class KeysBrowserTests(PortalFixture portal) : IClassFixture<PortalFixture>
{
    private const string Password = "Correct-Horse-9";

    [Fact]
    public async Task Keys_CreateEditDisableEnableRevoke_TheGatewayFollowsEachStep()
    {
        await using var context = await portal.NewContextAsync();
        var page = await context.NewPageAsync();
        await SignUpAsync(page);

        await page.GotoAsync("/keys");
        await WaitInteractiveAsync(page);
        await page.ClickAsync("[data-testid=create-key]");
        var dialog = page.Locator(".mud-dialog");
        await dialog.Locator("input[name=Name]").FillAsync("backend");
        await dialog.Locator("input[name=Rpm]").FillAsync("120");
        await Expect(dialog).ToContainTextAsync("Empty: no budget; the key may spend your whole balance.");
        await PortalFixture.ScreenshotAsync(page, "k-01-create-dialog");
        await dialog.Locator("[data-testid=submit-key]").ClickAsync();

        var shown = page.Locator("[data-testid=new-key]");
        await Expect(shown).ToBeVisibleAsync();
        var key = (await shown.InnerTextAsync()).Trim();
        Assert.Matches("^sk-tp-[0-9A-Za-z]{43}$", key);
        await page.ClickAsync("[data-testid=copy-key]");
        await Expect(page.Locator("[data-testid=copy-key]")).ToContainTextAsync("Copied");
        Assert.Equal(key, await page.EvaluateAsync<string>("() => navigator.clipboard.readText()"));
        await PortalFixture.ScreenshotAsync(page, "k-02-key-shown-once");
        await page.ClickAsync("button:has-text('I have saved it')");
        var grid = page.Locator("[data-testid=keys-grid]");
        await Expect(grid).ToContainTextAsync(key[..12]);
        await Expect(grid).Not.ToContainTextAsync(key);
        await Expect(grid).ToContainTextAsync("120 requests/min");
        using var api = portal.CreateClient(key);
        await AssertCallAsync(api, "gpt-test", HttpStatusCode.OK);

        // Edit: other limits, a budget and one allowed model; the gateway applies them to the next request.
        await page.ClickAsync("[data-testid=edit-key]");
        await Expect(dialog.Locator("input[name=Rpm]")).ToHaveValueAsync("120");
        await dialog.Locator("input[name=Rpm]").FillAsync("30");
        await dialog.Locator("input[name=Budget]").FillAsync("2");
        await dialog.Locator(".mud-select").First.ClickAsync();
        await page.Locator(".mud-popover-open .mud-list-item", new PageLocatorOptions { HasText = "gpt-test" }).First.ClickAsync();
        // A multiple choice stays open for more: a click beside it closes it (on its overlay, so the dialog stays).
        await dialog.Locator(".mud-dialog-title").ClickAsync(new LocatorClickOptions { Force = true });
        await Expect(page.Locator(".mud-popover-open .mud-list-item")).ToHaveCountAsync(0);
        await Expect(dialog.Locator("input[name=Models]")).ToHaveValueAsync("gpt-test");
        await PortalFixture.ScreenshotAsync(page, "k-03-edit-dialog");
        await dialog.Locator("[data-testid=save-key]").ClickAsync();
        await Expect(dialog).ToHaveCountAsync(0);
        await Expect(grid).ToContainTextAsync("30 requests/min");
        await Expect(grid).ToContainTextAsync("of $2.00 budget");
        await AssertCallAsync(api, "gpt-test", HttpStatusCode.OK);
        await AssertCallAsync(api, "deepseek", HttpStatusCode.Forbidden, "model_not_allowed");

        // The snackbar a change raises stays clear of the page's primary action.
        await Expect(page.Locator(".mud-snackbar")).ToBeVisibleAsync();
        Assert.False(Overlap(await page.Locator(".mud-snackbar").First.BoundingBoxAsync(), await page.Locator("[data-testid=create-key]").BoundingBoxAsync()),
            "the snackbar covers the Create key button");

        // Disable: refused as a revoked key would be; enable: works again.
        await page.ClickAsync("[data-testid=disable-key]");
        await Expect(page.Locator("[data-testid=key-status]").First).ToHaveTextAsync("disabled");
        await AssertCallAsync(api, "gpt-test", HttpStatusCode.Unauthorized, "invalid_api_key");
        await PortalFixture.ScreenshotAsync(page, "k-04-key-disabled");
        await page.ClickAsync("[data-testid=enable-key]");
        await Expect(page.Locator("[data-testid=key-status]").First).ToHaveTextAsync("active");
        await AssertCallAsync(api, "gpt-test", HttpStatusCode.OK);

        // A second key, revoked: out of the list until asked for.
        await page.ClickAsync("[data-testid=create-key]");
        await dialog.Locator("input[name=Name]").FillAsync("short-lived");
        await dialog.Locator("[data-testid=submit-key]").ClickAsync();
        await page.ClickAsync("button:has-text('I have saved it')");
        var row = grid.Locator("tr", new LocatorLocatorOptions { HasText = "short-lived" });
        await row.Locator("[data-testid=revoke-key]").ClickAsync();
        await page.ClickAsync("[data-testid=confirm-revoke]");
        await Expect(grid).Not.ToContainTextAsync("short-lived");
        await page.GetByText("Show revoked (1)").ClickAsync();
        await Expect(row).ToContainTextAsync("revoked");
        await PortalFixture.ScreenshotAsync(page, "k-05-keys-with-revoked");

        // Readable at 1280 px: no column cut off, nothing scrolls sideways.
        await page.SetViewportSizeAsync(1280, 800);
        await PortalFixture.AssertGridNotCutOffAsync(page, "keys-grid", "/keys at 1280 px");
        await PortalFixture.ScreenshotAsync(page, "k-06-keys-1280");

        // A phone: cards, and the edit dialog fits.
        await page.SetViewportSizeAsync(390, 844);
        await page.ReloadAsync();
        await WaitInteractiveAsync(page);
        await Expect(grid).ToContainTextAsync("backend");
        await AssertNoSidewaysScrollAsync(page, "/keys at 390 px");
        await PortalFixture.AssertRowsAreCardsAsync(page, "keys-grid");
        await ViewportShotAsync(page, "k-07-keys-phone");
        await page.Locator("[data-testid=edit-key]").First.ClickAsync();
        await Expect(dialog.Locator("[data-testid=save-key]")).ToBeVisibleAsync();
        await AssertNoSidewaysScrollAsync(page, "the edit dialog at 390 px");
        await PortalFixture.ScreenshotAsync(page, "k-08-edit-dialog-phone");
        await page.Keyboard.PressAsync("Escape");

        // Dark.
        await context.AddCookiesAsync([new Microsoft.Playwright.Cookie { Name = "TokenPortalTheme", Value = "dark", Url = portal.BrowserAddress.ToString() }]);
        await page.SetViewportSizeAsync(1366, 900);
        await page.ReloadAsync();
        await WaitInteractiveAsync(page);
        await Expect(grid).ToContainTextAsync("backend");
        await PortalFixture.ScreenshotAsync(page, "k-09-keys-dark");
        await page.Locator("[data-testid=edit-key]").First.ClickAsync();
        await Expect(dialog.Locator("[data-testid=save-key]")).ToBeVisibleAsync();
        await PortalFixture.ScreenshotAsync(page, "k-10-edit-dialog-dark");
    }

    [Fact]
    public async Task Models_SnippetFollowsTheModelPicked_CopiesIt_AndFitsAPhone()
    {
        await using var context = await portal.NewContextAsync();
        var page = await context.NewPageAsync();
        await SignUpAsync(page);

        await page.GotoAsync("/models");
        await WaitInteractiveAsync(page);
        var grid = page.Locator("[data-testid=models-grid]");
        var snippet = page.Locator("pre.tp-code");
        await grid.Locator("tr", new LocatorLocatorOptions { HasText = "deepseek" }).ClickAsync();
        await Expect(page.Locator("[data-testid=model-snippet] h2")).ToContainTextAsync("deepseek");
        await Expect(snippet).ToContainTextAsync("\"model\": \"deepseek\"");
        await page.Locator("[data-testid=model-snippet] .mud-toggle-item", new PageLocatorOptions { HasText = "Python" }).ClickAsync();
        await Expect(snippet).ToContainTextAsync("model=\"deepseek\"");
        await grid.Locator("tr", new LocatorLocatorOptions { HasText = "embed-test" }).ClickAsync();
        await Expect(snippet).ToContainTextAsync("client.embeddings.create(model=\"embed-test\"");
        await page.ClickAsync("[data-testid=copy-snippet]");
        await Expect(page.Locator("[data-testid=copy-snippet]")).ToContainTextAsync("Copied");
        Assert.Equal((await snippet.InnerTextAsync()).Trim(), (await page.EvaluateAsync<string>("() => navigator.clipboard.readText()")).Trim());
        await page.EvaluateAsync("() => window.scrollTo(0, 0)");
        await PortalFixture.ScreenshotAsync(page, "k-11-models");
        await PortalFixture.AssertGridNotCutOffAsync(page, "models-grid", "1366 px");
        await page.SetViewportSizeAsync(1280, 900);
        await PortalFixture.AssertGridNotCutOffAsync(page, "models-grid", "1280 px");

        await page.SetViewportSizeAsync(390, 844);
        await page.ReloadAsync();
        await WaitInteractiveAsync(page);
        await grid.Locator("tr", new LocatorLocatorOptions { HasText = "claude-test" }).ClickAsync();
        await Expect(snippet).ToContainTextAsync("claude-test");
        await AssertNoSidewaysScrollAsync(page, "/models at 390 px");
        await PortalFixture.AssertRowsAreCardsAsync(page, "models-grid");
        Assert.True(await snippet.EvaluateAsync<bool>("pre => pre.getBoundingClientRect().right <= window.innerWidth"), "the code box is wider than the phone");
        // The snippet is at the end of a long list of cards: picking one brings it into view.
        Assert.True(await page.EvaluateAsync<bool>("() => document.querySelector('[data-testid=model-snippet]').getBoundingClientRect().top < window.innerHeight"),
            "the snippet stayed out of sight after a model was picked");
        await ViewportShotAsync(page, "k-12b-models-phone-snippet");
        await page.EvaluateAsync("() => window.scrollTo(0, 0)");
        await ViewportShotAsync(page, "k-12a-models-phone-cards");

        await context.AddCookiesAsync([new Microsoft.Playwright.Cookie { Name = "TokenPortalTheme", Value = "dark", Url = portal.BrowserAddress.ToString() }]);
        await page.SetViewportSizeAsync(1366, 900);
        await page.ReloadAsync();
        await WaitInteractiveAsync(page);
        await Expect(grid).ToContainTextAsync("gpt-test");
        await PortalFixture.ScreenshotAsync(page, "k-13-models-dark");
    }

    private static async Task AssertCallAsync(HttpClient api, string model, HttpStatusCode status, string? code = null)
    {
        using var response = await api.PostAsJsonAsync("v1/chat/completions", new { model, messages = new[] { new { role = "user", content = "hi" } } });
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(status == response.StatusCode, $"{model}: {response.StatusCode} {body}");
        if (code is not null)
            Assert.Equal(code, JsonNode.Parse(body)!["error"]!["code"]!.GetValue<string>());
    }

    /// <summary>What the screen shows now, not the whole page: a phone's long page is unreadable shrunk to one image.</summary>
    private static Task ViewportShotAsync(IPage page, string name) =>
        page.ScreenshotAsync(new PageScreenshotOptions { Path = Path.Combine(PortalFixture.ScreenshotDirectory, name + ".png") });

    private static bool Overlap(LocatorBoundingBoxResult? a, LocatorBoundingBoxResult? b) =>
        a is not null && b is not null && a.X < b.X + b.Width && b.X < a.X + a.Width && a.Y < b.Y + b.Height && b.Y < a.Y + a.Height;

    private static async Task AssertNoSidewaysScrollAsync(IPage page, string what)
    {
        var overflow = await page.EvaluateAsync<int>("() => document.documentElement.scrollWidth - window.innerWidth");
        Assert.True(overflow <= 0, $"{what} is {overflow} px wider than the window");
    }

    private static async Task SignUpAsync(IPage page)
    {
        await page.GotoAsync("/Account/Register");
        await page.FillAsync("#Input\\.Email", $"keys-{Guid.NewGuid():N}@example.test");
        await page.FillAsync("#Input\\.Password", Password);
        await page.FillAsync("#Input\\.ConfirmPassword", Password);
        await page.ClickAsync("button:has-text('Create account')");
        await WaitInteractiveAsync(page);
    }

    private static Task WaitInteractiveAsync(IPage page) => page.WaitForSelectorAsync("body[data-interactive=true]");

    private static ILocatorAssertions Expect(ILocator locator) => Assertions.Expect(locator);
}
