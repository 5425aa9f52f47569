using Microsoft.Playwright;
using TokenPortal.Tests.Infrastructure;

namespace TokenPortal.Tests.Components.Account;

/// <summary>
/// The static account pages (no circuit), the landing page and the not-found page in the portal's look: one heading each,
/// in the dark palette from the first paint when the visitor chose it, and no sideways scrolling on a phone.
/// </summary>
[Trait("Category", "Browser")]
public sealed class AccountPagesBrowserTests(PortalFixture portal) : IClassFixture<PortalFixture>
{
    private static readonly string[] SignedOutPages =
    [
        "/", "/does-not-exist", "/Account/Login", "/Account/Register", "/Account/ForgotPassword", "/Account/ForgotPasswordConfirmation",
        "/Account/ResendEmailConfirmation", "/Account/Lockout", "/Account/AccessDenied", "/Account/InvalidPasswordReset",
        "/Account/ResetPasswordConfirmation",
    ];

    private static readonly string[] SignedInPages =
    [
        "/Account/Manage", "/Account/Manage/Email", "/Account/Manage/ChangePassword", "/Account/Manage/TwoFactorAuthentication",
        "/Account/Manage/EnableAuthenticator", "/Account/Manage/ResetAuthenticator", "/Account/Manage/ExternalLogins",
        "/Account/Manage/Passkeys", "/Account/Manage/PersonalData", "/Account/Manage/DeletePersonalData", "/keys/no-such-page",
    ];

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task EveryAccountPage_HasOneHeading_FollowsTheTheme_AndFitsAPhone(bool dark)
    {
        await using var context = await portal.NewContextAsync();
        if (dark)
            await context.AddCookiesAsync([new Cookie { Name = "TokenPortalTheme", Value = "dark", Url = portal.BrowserAddress.ToString() }]);
        var page = await context.NewPageAsync();
        var theme = dark ? "dark" : "light";

        var headings = new Dictionary<string, string>();
        foreach (var path in SignedOutPages)
            headings[path] = await CheckAsync(page, path, theme);

        await page.GotoAsync("/Account/Register");
        await page.FillAsync("#Input\\.Email", $"acct-{Guid.NewGuid():N}@example.test");
        await page.FillAsync("#Input\\.Password", "Correct-Horse-9");
        await page.FillAsync("#Input\\.ConfirmPassword", "Correct-Horse-9");
        await page.ClickAsync("button:has-text('Create account')");
        await page.WaitForSelectorAsync("body[data-interactive=true]");
        foreach (var path in SignedInPages)
            headings[path] = await CheckAsync(page, path, theme);

        // One type scale: the signed-out pages' cards share one title style, the account pages the portal's page heading.
        AssertSetAlike(headings.Where(h => h.Key.StartsWith("/Account/", StringComparison.Ordinal) && !h.Key.StartsWith("/Account/Manage", StringComparison.Ordinal)));
        AssertSetAlike(headings.Where(h => h.Key.StartsWith("/Account/Manage", StringComparison.Ordinal)));
    }

    private static void AssertSetAlike(IEnumerable<KeyValuePair<string, string>> headings)
    {
        var list = headings.ToList();
        Assert.True(list.Count > 1 && list.Select(h => h.Value).Distinct().Count() == 1, "Headings differ: " + string.Join("; ", list.Select(h => $"{h.Key} {h.Value}")));
    }

    /// <returns>How the page's heading is set (size and weight), to compare across pages.</returns>
    private static async Task<string> CheckAsync(IPage page, string path, string theme)
    {
        await page.SetViewportSizeAsync(1366, 900);
        await page.GotoAsync(path);
        Assert.Equal(1, await page.Locator("h1").CountAsync());
        Assert.Equal(theme, await page.Locator("[data-theme]").First.GetAttributeAsync("data-theme"));
        var name = path switch
        {
            "/" => "landing",
            "/does-not-exist" => "not-found",
            "/keys/no-such-page" => "not-found-signed-in",
            _ => path.Replace("/Account/", "").Replace('/', '-').ToLowerInvariant(),
        };
        if (name == "manage-enableauthenticator")
        {
            // The key as a QR code to scan, drawn square and large enough for a phone's camera.
            var qr = await page.Locator("[data-testid=authenticator-qr] svg").BoundingBoxAsync();
            Assert.True(qr is { Width: >= 160 } && Math.Abs(qr.Width - qr.Height) < 1, $"no scannable QR code: {qr?.Width}x{qr?.Height}");
            Assert.Equal(0, await page.GetByText("enable QR code generation").CountAsync());
        }
        if (name.StartsWith("not-found", StringComparison.Ordinal))
            Assert.Equal("This page does not exist", (await page.Locator("h1").InnerTextAsync()).Trim()); // in the portal's own layout, not the server's bare 404
        await PortalFixture.ScreenshotAsync(page, $"40-account-{name}-{theme}");

        await page.SetViewportSizeAsync(390, 844);
        // The drawer's margin animates away (225 ms): wait for the page to settle, then measure.
        try
        {
            await page.WaitForFunctionAsync("() => document.documentElement.scrollWidth <= window.innerWidth", null, new PageWaitForFunctionOptions { Timeout = 2_000 });
        }
        catch (TimeoutException)
        {
        }
        var overflow = await page.EvaluateAsync<int>("() => document.documentElement.scrollWidth - window.innerWidth");
        await PortalFixture.ScreenshotAsync(page, $"41-phone-account-{name}-{theme}");
        var widest = await page.EvaluateAsync<string>("() => [...document.querySelectorAll('body *')].filter(e => e.getBoundingClientRect().right > window.innerWidth + 1).map(e => e.tagName + '.' + e.className).slice(-3).join(' | ')");
        Assert.True(overflow <= 0, $"{path} is {overflow} px wider than a phone: {widest}");
        await page.SetViewportSizeAsync(1366, 900);
        return await page.Locator("h1").EvaluateAsync<string>("h => { const s = getComputedStyle(h); return `${s.fontSize} ${s.fontWeight}`; }");
    }
}
