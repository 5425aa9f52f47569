using Microsoft.Playwright;

namespace TokenPortal.Tests.Infrastructure;

/// <summary>
/// The whole product in a real browser: the gateway on loopback, the fake upstream, a fake GitHub
/// and Discord OAuth server, a fake Stripe, and Debian's Chromium driven by Playwright (it cannot download its own browser here).
/// </summary>
public sealed class PortalFixture : GatewayFixture
{
    private HeadlessChromium? _chromium;

    public FakeOAuthServer OAuth { get; private set; } = null!;

    public FakeStripe Stripe { get; private set; } = null!;

    public IBrowser Browser => _chromium!.Browser;

    /// <summary>Where each test saves its screenshots, beside the test binaries.</summary>
    public static string ScreenshotDirectory { get; } = Path.Combine(AppContext.BaseDirectory, "screenshots");

    protected override async Task BeforeStartAsync()
    {
        OAuth = await FakeOAuthServer.StartAsync();
        Stripe = await FakeStripe.StartAsync();
        _chromium = await HeadlessChromium.LaunchAsync();
        Directory.CreateDirectory(ScreenshotDirectory);
    }

    protected override void Configure(Dictionary<string, string?> settings)
    {
        OAuth.AddSettings(settings);
        Stripe.AddSettings(settings);
        settings["TokenPortal:SignupCreditUsd"] = "1"; // the shipped default: new accounts start with $1.00
    }

    protected override Task AfterStartAsync()
    {
        Stripe.WebhookUrl = new Uri(BaseAddress, "stripe/webhook");
        return Task.CompletedTask;
    }

    /// <summary>
    /// The portal as the browser addresses it: <c>localhost</c>, not 127.0.0.1, because WebAuthn refuses an IP
    /// address as a relying party id (passkeys would fail with "invalid domain").
    /// </summary>
    public Uri BrowserAddress => new UriBuilder(BaseAddress) { Host = "localhost" }.Uri;

    public async Task<IBrowserContext> NewContextAsync()
    {
        var context = await Browser.NewContextAsync(new BrowserNewContextOptions
        {
            BaseURL = BrowserAddress.ToString(),
            ViewportSize = new ViewportSize { Width = 1366, Height = 900 },
        });
        await context.GrantPermissionsAsync(["clipboard-read", "clipboard-write"], new BrowserContextGrantPermissionsOptions { Origin = BrowserAddress.GetLeftPart(UriPartial.Authority) });
        // Generous for a 2-core CI machine running several Chromiums and servers at once; a passing step takes far less.
        context.SetDefaultTimeout(30_000);
        return context;
    }

    public static Task ScreenshotAsync(IPage page, string name) =>
        page.ScreenshotAsync(new PageScreenshotOptions { Path = Path.Combine(ScreenshotDirectory, name + ".png"), FullPage = true });

    /// <summary>
    /// No header or cell of the grid (of every table on the page when <paramref name="gridTestId"/> is null) is clipped,
    /// and neither a grid nor the page scrolls sideways.
    /// </summary>
    public static async Task AssertGridNotCutOffAsync(IPage page, string? gridTestId, string width)
    {
        var clipped = await page.EvaluateAsync<string[]>("""
            grid => {
                const scope = grid ? `[data-testid=${grid}] ` : '';
                return [...document.querySelectorAll(`${scope}th, ${scope}td, ${scope}.mud-table-container`)]
                    .filter(e => e.scrollWidth > e.clientWidth + 1)
                    .map(e => `${e.closest('[data-testid]')?.dataset.testid ?? 'a table'}: ${e.tagName} '${e.innerText.trim()}' ${e.scrollWidth} > ${e.clientWidth}`);
            }
            """, gridTestId);
        Assert.True(clipped.Length == 0, $"At {width}: " + string.Join("; ", clipped));
        Assert.Equal(0, await page.EvaluateAsync<int>("() => document.documentElement.scrollWidth - window.innerWidth"));
    }

    /// <summary>On a phone the grid's rows are cards: a row's cells stand one under another, each labelled with its column.</summary>
    public static async Task AssertRowsAreCardsAsync(IPage page, string gridTestId)
    {
        var layout = await page.EvaluateAsync<string>("""
            grid => {
                const row = document.querySelector(`[data-testid=${grid}] tbody tr`);
                if (!row) return 'no row';
                const cells = [...row.querySelectorAll('td')].filter(td => td.getBoundingClientRect().height > 0);
                if (cells.length < 2) return `${cells.length} visible cell`;
                const tops = cells.map(td => Math.round(td.getBoundingClientRect().top));
                if (tops.some((t, i) => i > 0 && t <= tops[i - 1])) return `cells side by side (tops ${tops.join(', ')})`;
                const unlabelled = cells.filter(td => !td.dataset.label && td.innerText.trim()).length;
                return unlabelled ? `${unlabelled} cells without a label` : '';
            }
            """, gridTestId);
        Assert.True(layout == "", $"{gridTestId} at phone width is no list of cards: {layout}");
    }

    public override async Task DisposeAsync()
    {
        if (_chromium is not null)
            await _chromium.DisposeAsync();
        await base.DisposeAsync();
        if (OAuth is not null)
            await OAuth.DisposeAsync();
        if (Stripe is not null)
            await Stripe.DisposeAsync();
    }
}
