using Microsoft.Playwright;
using TokenPortal.Tests.Infrastructure;

namespace TokenPortal.Tests.Components.Account;

/// <summary>Opened by an IP address, where no browser can hold a passkey, the pages say so instead of failing with "SecurityError".</summary>
[Trait("Category", "Browser")]
public sealed class PasskeysBrowserTests(PortalFixture portal) : IClassFixture<PortalFixture>
{
    [Fact]
    public async Task AtAnIpAddress_ThePasskeysPageExplainsInWords_AndOffersNoButtonThatWouldFail()
    {
        await using var context = await portal.Browser.NewContextAsync(new BrowserNewContextOptions { BaseURL = portal.BaseAddress.ToString() });
        var page = await context.NewPageAsync();
        Assert.Equal("127.0.0.1", portal.BaseAddress.Host);

        await page.GotoAsync("/Account/Register");
        await page.FillAsync("#Input\\.Email", $"ip-{Guid.NewGuid():N}@example.test");
        await page.FillAsync("#Input\\.Password", "Correct-Horse-9");
        await page.FillAsync("#Input\\.ConfirmPassword", "Correct-Horse-9");
        await page.ClickAsync("button:has-text('Create account')");
        await page.WaitForSelectorAsync("body[data-interactive=true]");

        await page.GotoAsync("/Account/Manage/Passkeys");
        await Assertions.Expect(page.Locator("[data-testid=passkeys-unavailable]")).ToContainTextAsync("opened by an IP address");
        await Assertions.Expect(page.GetByText("Add a new passkey")).ToHaveCountAsync(0);
        await PortalFixture.ScreenshotAsync(page, "12b-passkeys-at-an-ip-address");

        await page.GotoAsync("/Account/Login");
        await Assertions.Expect(page.Locator("[data-testid=passkey-login]")).ToHaveCountAsync(0);
    }
}
