using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;
using TokenPortal.Core.Billing.Stripe;
using TokenPortal.Tests.Infrastructure;

namespace TokenPortal.Tests.Components.Billing;

/// <summary>
/// The Billing page in Debian's Chromium against the fake Stripe: clicks that come before the circuit is up still reach
/// Stripe, receipts open Stripe's page, the top-up form keeps one line on a desktop and stacks on a phone, and the page
/// in dark mode. Screenshots land in bin/.../screenshots/billing-*.png.
/// </summary>
[Trait("Category", "Browser")]
public sealed class BillingBrowserTests(PortalFixture portal) : IClassFixture<PortalFixture>
{
    private const string Password = "Correct-Horse-9";

    [Fact]
    public async Task TopUpAndSaveCard_ClickedAsSoonAsThePageShows_StillReachStripe_AndTheReceiptOpensStripesPage()
    {
        await using var context = await portal.NewContextAsync();
        var page = await context.NewPageAsync();
        await SignUpAsync(page);

        // No wait for the circuit: the first paint's buttons must not take a click they cannot act on.
        await page.GotoAsync("/billing");
        await page.ClickAsync("[data-testid=top-up-10]");
        await page.WaitForURLAsync(url => url.StartsWith(portal.Stripe.BaseUrl.ToString(), StringComparison.Ordinal));
        await page.ClickAsync("#pay");
        await page.WaitForURLAsync("**/billing?checkout=paid**");

        await page.ClickAsync("[data-testid=save-card]");
        await page.WaitForURLAsync(url => url.StartsWith(portal.Stripe.BaseUrl.ToString(), StringComparison.Ordinal));
        await Expect(page.GetByText("Save a card for later payments.")).ToBeVisibleAsync();
        await page.ClickAsync("#pay");
        await page.WaitForURLAsync("**/billing?checkout=card-saved**");
        await Expect(page.Locator("[data-testid=saved-card]")).ToHaveTextAsync("Visa •••• 4242");

        var receipt = page.Locator("[data-testid=credits-grid] tr", new() { HasText = "Stripe top-up" }).Locator("a[data-testid=receipt]");
        await Expect(receipt).ToHaveAttributeAsync("href", new System.Text.RegularExpressions.Regex("^" + portal.Stripe.BaseUrl + "receipts/ch_"));
        await Expect(page.Locator("[data-testid=credits-grid] tr", new() { HasText = "Signup credit" }).Locator("a[data-testid=receipt]")).ToHaveCountAsync(0);
        var stripesPage = await page.RunAndWaitForPopupAsync(() => receipt.ClickAsync());
        await Expect(stripesPage.Locator("#amount")).ToHaveTextAsync("$10.00 paid");
    }

    [Fact]
    public async Task Page_AtDesktopPhoneAndDark_FormOnOneLineThenStacked_NothingScrollsSideways()
    {
        await using var context = await portal.NewContextAsync();
        var page = await context.NewPageAsync();
        var email = await SignUpAsync(page);
        await PaidTopUpAsync(email, 25_000_000);

        await page.GotoAsync("/billing");
        await WaitInteractiveAsync(page);
        await Expect(page.Locator("[data-stat=billing-balance]")).ToHaveTextAsync("$26.00");
        await Expect(page.Locator("a[data-testid=receipt]")).ToHaveCountAsync(1);
        // One line: the quick amounts, the amount's box and its button share their middle.
        var preset = await BoxAsync(page, "[data-testid=top-up-10]");
        var amount = await BoxAsync(page, ".tp-top-up-amount .mud-input");
        var go = await BoxAsync(page, "[data-testid=top-up-custom]");
        Assert.InRange(Middle(amount) - Middle(preset), -2, 2);
        Assert.InRange(Middle(go) - Middle(amount), -2, 2);
        Assert.InRange(go.Height - amount.Height, -2, 2);
        await PortalFixture.ScreenshotAsync(page, "billing-desktop");

        await page.Locator("input[name=CustomAmount]").FillAsync("3");
        await page.ClickAsync("[data-testid=top-up-custom]");
        var fieldError = page.Locator(".tp-top-up-amount .mud-input-helper-text.mud-input-error");
        await Expect(fieldError).ToHaveTextAsync("Top-ups are between $5.00 and $1,000.00.");
        Assert.InRange(Middle(await BoxAsync(page, "[data-testid=top-up-custom]")) - Middle(amount), -2, 2); // the message hangs below
        await PortalFixture.ScreenshotAsync(page, "billing-desktop-field-error");
        await page.Locator("input[name=CustomAmount]").FillAsync("30");
        await page.Locator("input[name=CustomAmount]").BlurAsync();
        await Expect(fieldError).ToHaveCountAsync(0);

        await page.SetViewportSizeAsync(390, 844);
        await page.ReloadAsync();
        await WaitInteractiveAsync(page);
        await Expect(page.Locator("a[data-testid=receipt]")).ToHaveCountAsync(1);
        Assert.True(await page.EvaluateAsync<int>("() => document.documentElement.scrollWidth - window.innerWidth") <= 0, "the page scrolls sideways at 390 px");
        await PortalFixture.AssertRowsAreCardsAsync(page, "credits-grid");
        // Stacked: the field under the quick amounts, the button under the field, each the card's width.
        preset = await BoxAsync(page, "[data-testid=top-up-10]");
        amount = await BoxAsync(page, ".tp-top-up-amount .mud-input");
        go = await BoxAsync(page, "[data-testid=top-up-custom]");
        Assert.True(amount.Y >= preset.Y + preset.Height, "the amount field is not below the quick amounts");
        Assert.True(go.Y >= amount.Y + amount.Height, "the Top up button is not below the amount field");
        Assert.InRange(go.Width - amount.Width, -2, 2);
        await PortalFixture.ScreenshotAsync(page, "billing-phone");

        await page.SetViewportSizeAsync(1366, 900);
        await context.AddCookiesAsync([new Cookie { Name = "TokenPortalTheme", Value = "dark", Url = portal.BrowserAddress.ToString() }]);
        await page.ReloadAsync();
        await WaitInteractiveAsync(page);
        await Expect(page.Locator(".tp-layout")).ToHaveAttributeAsync("data-theme", "dark");
        await Expect(page.Locator("a[data-testid=receipt]")).ToHaveCountAsync(1);
        await PortalFixture.ScreenshotAsync(page, "billing-dark");
        await page.SetViewportSizeAsync(390, 844);
        await PortalFixture.ScreenshotAsync(page, "billing-dark-phone");
    }

    /// <summary>A top-up paid through the fake's Checkout, as the browser would, without the browser.</summary>
    private async Task PaidTopUpAsync(string email, long micros)
    {
        await using var db = await portal.DbAsync();
        var userId = await db.Users.Where(u => u.Email == email).Select(u => u.Id).SingleAsync();
        var start = await portal.Factory.Services.GetRequiredService<IStripeBilling>().StartTopUpAsync(userId, micros, new Uri(portal.BrowserAddress, "billing"), CancellationToken.None);
        await portal.Stripe.CompleteCheckoutAsync(new Uri(start.Url ?? throw new InvalidOperationException(start.Error)).Segments[^1]);
    }

    private static async Task<LocatorBoundingBoxResult> BoxAsync(IPage page, string selector) =>
        await page.Locator(selector).BoundingBoxAsync() ?? throw new InvalidOperationException($"{selector} is not on screen");

    private static float Middle(LocatorBoundingBoxResult box) => box.Y + box.Height / 2;

    private static async Task<string> SignUpAsync(IPage page)
    {
        var email = $"billing-{Guid.NewGuid():N}@example.test";
        await page.GotoAsync("/Account/Register");
        await page.FillAsync("#Input\\.Email", email);
        await page.FillAsync("#Input\\.Password", Password);
        await page.FillAsync("#Input\\.ConfirmPassword", Password);
        await page.ClickAsync("button:has-text('Create account')");
        await WaitInteractiveAsync(page);
        return email;
    }

    private static Task WaitInteractiveAsync(IPage page) => page.WaitForSelectorAsync("body[data-interactive=true]");

    private static ILocatorAssertions Expect(ILocator locator) => Assertions.Expect(locator);
}
