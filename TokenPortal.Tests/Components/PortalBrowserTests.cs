using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;
using TokenPortal.Core.Accounts;
using TokenPortal.Core.Data.Entities;
using TokenPortal.Core.Metering;
using TokenPortal.Tests.Components.Admin;
using TokenPortal.Tests.Infrastructure;

namespace TokenPortal.Tests.Components;

/// <summary>
/// The portal as a person uses it, in Debian's Chromium: sign up, mint a key, call the API with it,
/// and find the request in Logs and the spend on the Dashboard. Screenshots land in bin/.../screenshots.
/// </summary>
[Trait("Category", "Browser")]
public sealed class PortalBrowserTests(PortalFixture portal) : IClassFixture<PortalFixture>
{
    private const string Password = "Correct-Horse-9";

    [Fact]
    public async Task SignUpCreateKeyCallApi_RequestShowsInLogsAndSpendOnDashboard()
    {
        await using var context = await portal.NewContextAsync();
        var page = await context.NewPageAsync();
        var email = $"e2e-{Guid.NewGuid():N}@example.test";

        await page.GotoAsync("/");
        await Expect(page.GetByText("Every model, one endpoint, one balance.")).ToBeVisibleAsync();
        await PortalFixture.ScreenshotAsync(page, "01-landing");

        await page.GotoAsync("/Account/Login");
        await Expect(page.Locator("[data-testid=passkey-login]")).ToBeVisibleAsync();
        await Expect(page.Locator("[data-testid=external-GitHub]")).ToBeVisibleAsync();
        await PortalFixture.ScreenshotAsync(page, "02-log-in");
        await page.GotoAsync("/Account/Register");
        await PortalFixture.ScreenshotAsync(page, "02-sign-up");
        await page.FillAsync("#Input\\.Email", email);
        await page.FillAsync("#Input\\.Password", Password);
        await page.FillAsync("#Input\\.ConfirmPassword", Password);
        await page.ClickAsync("button:has-text('Create account')");
        await WaitInteractiveAsync(page);
        await Expect(page.GetByText("No requests in this range yet")).ToBeVisibleAsync();
        await Expect(page.Locator("[data-stat=balance]")).ToHaveTextAsync("$1.00"); // the signup credit
        await PortalFixture.ScreenshotAsync(page, "03-dashboard-empty");

        await page.GotoAsync("/keys");
        await WaitInteractiveAsync(page);
        await Expect(page.GetByText("You have no API keys yet")).ToBeVisibleAsync();
        await PortalFixture.ScreenshotAsync(page, "04-keys-empty");
        await page.ClickAsync("[data-testid=create-key]");
        await page.Locator(".mud-dialog input[name=Name]").FillAsync("e2e key");
        await PortalFixture.ScreenshotAsync(page, "05-create-key-dialog");
        await page.ClickAsync(".mud-dialog [data-testid=submit-key]");
        var shown = page.Locator("[data-testid=new-key]");
        await Expect(shown).ToBeVisibleAsync();
        var key = (await shown.InnerTextAsync()).Trim();
        Assert.Matches("^sk-tp-[0-9A-Za-z]{43}$", key);
        await page.ClickAsync("[data-testid=copy-key]");
        await Expect(page.GetByText("Copied")).ToBeVisibleAsync();
        Assert.Equal(key, await page.EvaluateAsync<string>("() => navigator.clipboard.readText()"));
        await PortalFixture.ScreenshotAsync(page, "06-key-shown-once");
        await page.ClickAsync("button:has-text('I have saved it')");
        await Expect(page.Locator("[data-testid=keys-grid]")).ToContainTextAsync(key[..12]);
        await Expect(page.Locator("[data-testid=keys-grid]")).Not.ToContainTextAsync(key); // only the prefix, ever again
        await PortalFixture.ScreenshotAsync(page, "07-keys-list");

        using var api = portal.CreateClient(key);
        using var response = await api.PostAsJsonAsync("v1/chat/completions", new { model = "gpt-test", messages = new[] { new { role = "user", content = "hi" } } });
        Assert.True(response.IsSuccessStatusCode, await response.Content.ReadAsStringAsync());
        var cost = (decimal)JsonNode.Parse(await response.Content.ReadAsStringAsync())!["usage"]!["cost"]!;
        Assert.True(cost > 0);
        await portal.Factory.Services.GetRequiredService<RequestLogWriter>().FlushAsync(CancellationToken.None);

        await page.GotoAsync("/logs");
        await WaitInteractiveAsync(page);
        var logs = page.Locator("[data-testid=logs-grid]");
        await Expect(logs).ToContainTextAsync("gpt-test");
        await Expect(logs).ToContainTextAsync(key[..12]);
        await Expect(logs).ToContainTextAsync("200");
        await PortalFixture.ScreenshotAsync(page, "08-logs");

        var csv = await page.APIRequest.GetAsync(await page.Locator("[data-testid=export-csv]").GetAttributeAsync("href") ?? "");
        Assert.Equal(200, csv.Status);
        var lines = (await csv.TextAsync()).Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(2, lines.Length);
        Assert.Contains(",gpt-test,", lines[1]);
        Assert.EndsWith(",stop", lines[1]); // the finish reason, last
        Assert.DoesNotContain("hi", lines[1].Split(',')[2..].Where(f => f.Length == 2)); // metadata only

        await page.GotoAsync("/");
        await WaitInteractiveAsync(page);
        // Totals in cents, carrying exactly what the API reported as the request's cost, to the micro-dollar, and the balance it left.
        var micros = (decimal usd) => ((long)(usd * 1_000_000)).ToString(System.Globalization.CultureInfo.InvariantCulture);
        await Expect(page.Locator("[data-stat=today] .tp-money")).ToHaveAttributeAsync("data-micros", micros(cost));
        await Expect(page.Locator("[data-stat=today]")).ToHaveTextAsync("$0.00");
        await Expect(page.Locator("[data-stat=balance] .tp-money")).ToHaveAttributeAsync("data-micros", micros(1m - cost));
        await Expect(page.Locator("[data-stat=balance]")).ToHaveTextAsync("$1.00");
        // Hovering a rounded amount shows it to the micro-dollar.
        await page.Locator("[data-stat=balance] .tp-money").HoverAsync();
        await Expect(page.Locator(".mud-tooltip.mud-popover-open")).ToHaveTextAsync(TokenPortal.Web.Portal.Money.Precise(1_000_000 - long.Parse(micros(cost), System.Globalization.CultureInfo.InvariantCulture)));
        await Expect(page.Locator("[data-testid=by-model]")).ToContainTextAsync(cost.ToString("$0.00####", System.Globalization.CultureInfo.InvariantCulture));
        await Expect(page.Locator("[data-stat=requests]")).ToHaveTextAsync("1");
        await Expect(page.GetByRole(AriaRole.Heading, new PageGetByRoleOptions { Name = "By model", Exact = true })).ToBeVisibleAsync();
        await PortalFixture.ScreenshotAsync(page, "09-dashboard-with-spend");

        await page.GotoAsync("/models");
        await WaitInteractiveAsync(page);
        await Expect(page.Locator("[data-testid=models-grid]")).ToContainTextAsync("gpt-test");
        await Expect(page.Locator("pre.tp-code").First).ToContainTextAsync(portal.BrowserAddress + "v1");
        await PortalFixture.ScreenshotAsync(page, "10-models");

        await page.GotoAsync("/billing");
        await WaitInteractiveAsync(page);
        await Expect(page.Locator("[data-testid=credits-grid]")).ToContainTextAsync("Signup credit");
        await Expect(page.Locator("[data-testid=top-up]")).ToBeVisibleAsync();
        await PortalFixture.ScreenshotAsync(page, "11-billing");

        // Users only ever see their own data: the admin pages refuse a plain user.
        await page.GotoAsync("/admin/users");
        await Expect(page.GetByText("Access denied")).ToBeVisibleAsync();
        Assert.Contains("/Account/AccessDenied", page.Url);
        await Expect(page.Locator("[data-testid=users-grid]")).ToHaveCountAsync(0);
    }

    [Fact]
    public async Task Passkey_RegisteredInVirtualAuthenticator_SignsInWithoutPassword()
    {
        await using var context = await portal.NewContextAsync();
        var page = await context.NewPageAsync();
        var cdp = await context.NewCDPSessionAsync(page);
        await cdp.SendAsync("WebAuthn.enable");
        await cdp.SendAsync("WebAuthn.addVirtualAuthenticator", new Dictionary<string, object>
        {
            ["options"] = new Dictionary<string, object>
            {
                ["protocol"] = "ctap2", ["transport"] = "internal", ["hasResidentKey"] = true,
                ["hasUserVerification"] = true, ["isUserVerified"] = true, ["automaticPresenceSimulation"] = true,
            },
        });
        var email = await SignUpAsync(page);

        await page.GotoAsync("/Account/Manage/Passkeys");
        await page.ClickAsync("button:has-text('Add a new passkey')");
        await Expect(page.Locator("input[name='Input.Name']").Or(page.GetByText("Error:"))).ToBeVisibleAsync();
        Assert.True(page.Url.Contains("RenamePasskey"), string.Join(" ", await page.Locator(".alert").AllInnerTextsAsync()));
        await page.FillAsync("input[name='Input.Name']", "Test laptop");
        await page.ClickAsync("button:has-text('Continue')");
        await Expect(page.GetByText("Test laptop")).ToBeVisibleAsync();
        await PortalFixture.ScreenshotAsync(page, "12-passkeys");

        await page.GotoAsync("/");
        await WaitInteractiveAsync(page);
        await page.ClickAsync("button[title='Log out']");
        await Expect(page.GetByText("Every model, one endpoint, one balance.")).ToBeVisibleAsync();
        // The login page offers the passkey as the email field's autofill (conditional mediation); the virtual
        // authenticator answers at once, so the browser signs in without a password or a click.
        await page.GotoAsync("/Account/Login");
        await page.WaitForURLAsync(url => !url.Contains("/Account/Login"));
        await WaitInteractiveAsync(page);
        await Expect(page.Locator("[data-stat=balance]")).ToBeVisibleAsync();
        await Expect(page.GetByText(email)).ToBeVisibleAsync();

        // The list says when each passkey was added and last signed in.
        await page.GotoAsync("/Account/Manage/Passkeys");
        var row = page.Locator("[data-testid=passkeys] tbody tr", new PageLocatorOptions { HasText = "Test laptop" });
        await Expect(row).ToContainTextAsync(DateTime.UtcNow.ToString("MMM d, yyyy", System.Globalization.CultureInfo.InvariantCulture));
        Assert.DoesNotContain("never", await row.InnerTextAsync());
        await PortalFixture.ScreenshotAsync(page, "12c-passkeys-last-used");
    }

    [Theory]
    [InlineData("GitHub")]
    [InlineData("Discord")]
    public async Task ExternalLogin_FirstSignInThroughOAuth_CreatesAccountWithSignupCredit(string scheme)
    {
        await using var context = await portal.NewContextAsync();
        var page = await context.NewPageAsync();
        portal.OAuth.UserEmail = $"{scheme.ToLowerInvariant()}-{Guid.NewGuid():N}@example.test";

        await page.GotoAsync("/Account/Login");
        await page.ClickAsync($"[data-testid=external-{scheme}]");
        await page.WaitForURLAsync("**/Account/ExternalLogin**");
        await Expect(page.Locator("#Input\\.Email")).ToHaveValueAsync(portal.OAuth.UserEmail);
        await PortalFixture.ScreenshotAsync(page, $"14-{scheme.ToLowerInvariant()}-confirm");
        await page.ClickAsync("button[type=submit]");
        await WaitInteractiveAsync(page);
        await Expect(page.Locator("[data-stat=balance]")).ToHaveTextAsync("$1.00");

        await using var db = await portal.DbAsync();
        var user = await db.Users.SingleAsync(u => u.Email == portal.OAuth.UserEmail);
        Assert.True(await db.UserLogins.AnyAsync(l => l.UserId == user.Id && l.LoginProvider == scheme && l.ProviderKey == FakeOAuthServer.UserIds[scheme]));
        Assert.Single(await db.Ledger.Where(e => e.UserId == user.Id && e.Kind == LedgerEntryKind.Credit).ToListAsync());
    }

    [Fact]
    public async Task PhoneWidth_EveryPageFitsTheScreen_NoSidewaysScrolling()
    {
        await using var context = await portal.NewContextAsync();
        var page = await context.NewPageAsync();
        await SignUpAsync(page);
        await page.SetViewportSizeAsync(390, 844);

        foreach (var (path, name) in new[] { ("/", "dashboard"), ("/keys", "keys"), ("/models", "models"), ("/logs", "logs"), ("/billing", "billing") })
        {
            // Both as first painted and once live: the page must not jump wider while the circuit starts.
            await page.GotoAsync(path);
            await AssertFitsAsync(page, path, "as first painted");
            await WaitInteractiveAsync(page);
            await AssertFitsAsync(page, path, "once interactive");
            await PortalFixture.ScreenshotAsync(page, $"18-phone-{name}");
        }

        static async Task AssertFitsAsync(IPage page, string path, string when)
        {
            var overflow = await page.EvaluateAsync<int>("() => document.documentElement.scrollWidth - window.innerWidth");
            Assert.True(overflow <= 0, $"{path} {when} is {overflow} px wider than a 390 px phone screen");
        }
    }

    [Fact]
    public async Task Billing_TopUpThroughStripeCheckout_BalanceRisesOnTheWebhook_ThenSaveCardAndAutoReload()
    {
        await using var context = await portal.NewContextAsync();
        var page = await context.NewPageAsync();
        var email = await SignUpAsync(page);

        await page.GotoAsync("/billing");
        await WaitInteractiveAsync(page);
        await Expect(page.Locator("[data-stat=billing-balance]")).ToHaveTextAsync("$1.00");
        await Expect(page.Locator("[data-testid=packs]")).ToContainTextAsync("Builder pack · $50.00 for $55.00 of credit");
        await PortalFixture.ScreenshotAsync(page, "19-billing-top-up");

        await page.ClickAsync("[data-testid=top-up-10]");
        await page.WaitForURLAsync(url => url.StartsWith(portal.Stripe.BaseUrl.ToString(), StringComparison.Ordinal));
        await Expect(page.GetByText("Pay $10.00")).ToBeVisibleAsync();
        await PortalFixture.ScreenshotAsync(page, "20-fake-stripe-checkout");
        await page.ClickAsync("#pay");

        await page.WaitForURLAsync("**/billing?checkout=paid**");
        await WaitInteractiveAsync(page);
        await Expect(page.Locator("[data-testid=checkout-result]")).ToContainTextAsync("Thank you!");
        await Expect(page.Locator("[data-stat=billing-balance]")).ToHaveTextAsync("$11.00");
        await Expect(page.Locator("[data-testid=credits-grid]")).ToContainTextAsync("Stripe top-up");
        await using (var db = await portal.DbAsync())
        {
            var user = await db.Users.SingleAsync(u => u.Email == email);
            Assert.Equal(10_000_000, (await db.Ledger.SingleAsync(e => e.UserId == user.Id && e.Note!.StartsWith("Stripe top-up"))).AmountMicros);
        }

        await page.ClickAsync("[data-testid=save-card]");
        await page.WaitForURLAsync(url => url.StartsWith(portal.Stripe.BaseUrl.ToString(), StringComparison.Ordinal));
        await page.ClickAsync("#pay");
        await page.WaitForURLAsync("**/billing?checkout=card-saved**");
        await WaitInteractiveAsync(page);
        await Expect(page.Locator("[data-testid=saved-card]")).ToHaveTextAsync("Visa •••• 4242");
        await page.GetByLabel("Reload automatically").CheckAsync();
        await page.Locator("input[name=Threshold]").FillAsync("3");
        await page.Locator("input[name=ReloadAmount]").FillAsync("20");
        await page.ClickAsync("[data-testid=save-auto-reload]");
        await Expect(page.GetByText("Saved: $20.00 is added whenever the balance falls under $3.00.")).ToBeVisibleAsync();
        await PortalFixture.ScreenshotAsync(page, "21-billing-auto-reload");
    }

    [Fact]
    public async Task Admin_GrantsCreditInDarkMode_BalanceChangesThroughLedger()
    {
        var adminEmail = $"admin-{Guid.NewGuid():N}@example.test";
        await using (var scope = portal.Factory.Services.CreateAsyncScope())
            await scope.ServiceProvider.GetRequiredService<IAccountService>().CreateAsync(adminEmail, Password, isAdmin: true, CancellationToken.None);
        var customer = await portal.CreateAccountAsync(usd: 0);

        await using var context = await portal.NewContextAsync();
        var page = await context.NewPageAsync();
        await LogInAsync(page, adminEmail);

        await page.GotoAsync("/admin/users");
        await WaitInteractiveAsync(page);
        await page.ClickAsync("button[aria-label='Dark mode']");
        await Expect(page.Locator(".tp-layout")).ToHaveAttributeAsync("data-theme", "dark");
        Assert.True(await PageTheme.IsDarkAsync(page), "the page is not dark right after the toggle");

        // The choice outlives the page: the server paints the first frame dark, before any circuit could start (its script is held back).
        await page.RouteAsync("**/_framework/blazor.web*.js", route => route.AbortAsync());
        await page.ReloadAsync();
        Assert.Equal("dark", await page.Locator(".tp-layout").GetAttributeAsync("data-theme"));
        Assert.True(await PageTheme.IsDarkAsync(page), "the first paint after a reload is not dark");
        await page.UnrouteAsync("**/_framework/blazor.web*.js");
        await page.ReloadAsync();
        await WaitInteractiveAsync(page);
        Assert.True(await PageTheme.IsDarkAsync(page), "the page turned light once its circuit started");
        await Expect(page.Locator("[data-testid=signups-per-day]")).ToBeVisibleAsync();
        var search = page.GetByPlaceholder("Search by email or sign-up address…");
        await search.FillAsync(customer.Email);
        await search.PressAsync("Enter");
        var row = page.Locator("[data-testid=users-grid] tr", new PageLocatorOptions { HasText = customer.Email });
        await Expect(row).ToHaveCountAsync(1);
        await row.GetByText("Grant credit").ClickAsync();
        await page.Locator("input[name=Amount]").FillAsync("2.5");
        await page.GetByRole(AriaRole.Button, new PageGetByRoleOptions { Name = "Grant", Exact = true }).ClickAsync();
        await Expect(page.GetByText($"{customer.Email} now has $3.50")).ToBeVisibleAsync();
        Assert.Equal(2_500_000, await portal.BalanceAsync(customer) - 1_000_000); // plus the signup credit
        await PortalFixture.ScreenshotAsync(page, "15-admin-users-dark");

        // Channels: the admin gives a model a second upstream and turns its first off; the next request goes to the new one.
        await page.GotoAsync("/admin/catalog");
        await WaitInteractiveAsync(page);
        var deepseek = page.Locator("[data-testid=admin-models-grid] tr", new PageLocatorOptions { HasText = "fake/fake-deepseek" });
        await deepseek.GetByRole(AriaRole.Button, new LocatorGetByRoleOptions { Name = "Channels" }).ClickAsync();
        await page.GetByRole(AriaRole.Button, new PageGetByRoleOptions { Name = "Add channel" }).ClickAsync();
        var channels = page.Locator("[data-testid=channel-row]");
        await Expect(channels).ToHaveCountAsync(2);
        await channels.Nth(1).Locator("input[name=UpstreamModel]").FillAsync("deepseek-second");
        await channels.Nth(1).Locator("input[name=UpstreamModel]").PressAsync("Tab");
        await channels.Nth(0).Locator(".mud-switch").ClickAsync();
        await Expect(channels.Nth(0)).ToContainTextAsync("off");
        await PortalFixture.ScreenshotAsync(page, "16a-admin-channels-dialog-dark");
        await page.GetByRole(AriaRole.Button, new PageGetByRoleOptions { Name = "Save", Exact = true }).ClickAsync();
        await Expect(page.GetByText("The channels of deepseek are saved")).ToBeVisibleAsync();
        var firstChannelBefore = portal.Upstream.CountFor("fake-deepseek");
        using (var api = portal.CreateClient(customer.Key))
        {
            using var answer = await api.PostAsync("v1/chat/completions", new StringContent(
                """{"model":"deepseek","messages":[{"role":"user","content":"hi"}]}""", System.Text.Encoding.UTF8, "application/json"));
            Assert.Equal(System.Net.HttpStatusCode.OK, answer.StatusCode);
        }
        Assert.Equal(1, portal.Upstream.CountFor("deepseek-second"));
        Assert.Equal(firstChannelBefore, portal.Upstream.CountFor("fake-deepseek"));
        await page.ReloadAsync();
        await WaitInteractiveAsync(page);
        var health = page.Locator("[data-testid=channel-health-grid] tr", new PageLocatorOptions { HasText = "fake/deepseek-second" });
        await Expect(health).ToContainTextAsync("healthy");
        await Expect(health).ToContainTextAsync("100% of 1");
        await Expect(page.Locator("[data-testid=channel-health-grid] tr", new PageLocatorOptions { HasText = "fake/fake-deepseek" })).ToContainTextAsync("disabled");
        await PortalFixture.ScreenshotAsync(page, "16-admin-catalog-dark");
        await health.ScrollIntoViewIfNeededAsync();
        await page.ScreenshotAsync(new PageScreenshotOptions { Path = Path.Combine(PortalFixture.ScreenshotDirectory, "16b-admin-channel-health-dark.png") });
        await page.GotoAsync("/admin/settings");
        await WaitInteractiveAsync(page);
        await PortalFixture.ScreenshotAsync(page, "17-admin-settings-dark");

        // The grant above is in the audit log, with who made it.
        await page.GotoAsync("/admin/audit");
        await WaitInteractiveAsync(page);
        var entry = page.Locator("[data-testid=audit-grid] tr", new PageLocatorOptions { HasText = customer.Email }).Filter(new() { HasText = "credit.grant" });
        await Expect(entry).ToHaveCountAsync(1);
        await Expect(entry).ToContainTextAsync(adminEmail);
        await PortalFixture.ScreenshotAsync(page, "17b-admin-audit-dark");

        // The admin pages fit a phone too.
        await page.SetViewportSizeAsync(390, 844);
        foreach (var (path, name) in new[] { ("/admin/users", "users"), ("/admin/audit", "audit") })
        {
            await page.GotoAsync(path);
            await WaitInteractiveAsync(page);
            Assert.True(await page.EvaluateAsync<int>("() => document.documentElement.scrollWidth - window.innerWidth") <= 0, $"{path} is wider than a phone");
            await PortalFixture.ScreenshotAsync(page, $"17c-phone-admin-{name}-dark");
        }
        await page.SetViewportSizeAsync(1366, 900);

        // And back: the toggle, in a circuit that started dark, switches to light and that sticks too.
        await page.ClickAsync("button[aria-label='Dark mode']");
        await Expect(page.Locator(".tp-layout")).ToHaveAttributeAsync("data-theme", "light");
        Assert.False(await PageTheme.IsDarkAsync(page), "the page is still dark after toggling back");
        await page.ReloadAsync();
        Assert.Equal("light", await page.Locator(".tp-layout").GetAttributeAsync("data-theme"));
        Assert.False(await PageTheme.IsDarkAsync(page), "the first paint after toggling back is dark");
    }

    [Fact]
    public async Task DeleteAccount_FromTheAccountPages_SignsOutAndTheOldPasswordOpensNothing()
    {
        await using var context = await portal.NewContextAsync();
        var page = await context.NewPageAsync();
        var email = await SignUpAsync(page);

        await page.GotoAsync("/Account/Manage/DeletePersonalData");
        await Expect(page.GetByText("Deleting your account cannot be undone.")).ToBeVisibleAsync();
        await PortalFixture.ScreenshotAsync(page, "22-delete-account");
        await page.FillAsync("#Input\\.Password", Password);
        await page.ClickAsync("button:has-text('Delete data and close my account')");
        // Signed out: the page it returns to needs a signed-in user.
        await page.WaitForURLAsync(new System.Text.RegularExpressions.Regex("Account/Login"));
        await page.GotoAsync("/keys");
        await page.WaitForURLAsync(new System.Text.RegularExpressions.Regex("Account/Login"));
        await page.FillAsync("#Input\\.Email", email);
        await page.FillAsync("#Input\\.Password", Password);
        await page.ClickAsync("button:has-text('Log in') >> nth=0");
        await Expect(page.GetByText("do not match an account that can sign in")).ToBeVisibleAsync();
    }

    private async Task<string> SignUpAsync(IPage page)
    {
        var email = $"e2e-{Guid.NewGuid():N}@example.test";
        await page.GotoAsync("/Account/Register");
        await page.FillAsync("#Input\\.Email", email);
        await page.FillAsync("#Input\\.Password", Password);
        await page.FillAsync("#Input\\.ConfirmPassword", Password);
        await page.ClickAsync("button:has-text('Create account')");
        await WaitInteractiveAsync(page);
        return email;
    }

    private static async Task LogInAsync(IPage page, string email)
    {
        await page.GotoAsync("/Account/Login");
        await page.FillAsync("#Input\\.Email", email);
        await page.FillAsync("#Input\\.Password", Password);
        await page.ClickAsync("button:has-text('Log in') >> nth=0");
        await WaitInteractiveAsync(page);
    }

    /// <summary>Interactive pages ignore clicks until their circuit is up; the layout marks the body when it is.</summary>
    private static Task WaitInteractiveAsync(IPage page) =>
        page.WaitForSelectorAsync("body[data-interactive=true]");

    private static ILocatorAssertions Expect(ILocator locator) => Assertions.Expect(locator);
}
