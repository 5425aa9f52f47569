using System.Diagnostics;
using System.Net;
using Microsoft.Playwright;

namespace TokenPortal.Tests.Billing;

/// <summary>
/// Two servers, one ledger: requests split between them never spend more than the balance, limits count across both,
/// a key revoked on one is refused by the other at once, and a sign-in on one holds on the other.
/// </summary>
[Trait("Category", "Browser")]
[Trait("Database", "Postgres")]
public sealed class TwoServersTests(TwoServersFixture servers) : IClassFixture<TwoServersFixture>
{
    private const string Password = "Correct-Horse-9";

    [Fact]
    public async Task ABurstThroughBothServers_NeverOverspendsOneBalance_AndTheBooksAgree()
    {
        // Room for about a dozen reservations of the 1,000-token worst case at once: most of the burst is refused (402).
        var account = await servers.CreateAccountAsync(0.05m, Password);
        using var first = TwoServersFixture.Client(servers.First, account.Key);
        using var second = TwoServersFixture.Client(servers.Second, account.Key);

        var answers = await Task.WhenAll(Enumerable.Range(0, 60).Select(async i =>
        {
            using var response = await (i % 2 == 0 ? first : second).PostAsync("v1/chat/completions", TwoServersFixture.Chat());
            return (Server: i % 2, response.StatusCode);
        }));

        Assert.All(answers, a => Assert.Contains(a.StatusCode, new[] { HttpStatusCode.OK, HttpStatusCode.PaymentRequired }));
        Assert.Contains(answers, a => a.StatusCode == HttpStatusCode.PaymentRequired);
        // (Which server serves a burst depends on timing: one may hold the lease the whole time. The test below shows
        // the balance is spendable through either.)
        var served = answers.Count(a => a.StatusCode == HttpStatusCode.OK);
        Assert.True(served > 0);
        var balance = await SettledBalanceAsync(account, served, requests: 60);
        Assert.Equal(50_000 - served * GatewaySettings.EchoCostMicros(), balance);
        Assert.Equal(0, await servers.QueryAsync<long>("""SELECT COUNT(*) FROM "Ledger" WHERE "UserId" = @p0 AND "Kind" = 6""", account.UserId));
        Assert.Contains("the books agree", await servers.CliAsync("audit"));
    }

    [Fact]
    public async Task TheWholeBalanceIsSpendable_WhicheverServerAsks()
    {
        // Eight answers' worth, less than one worst-case reservation: whichever server asks, the other holds the lease, and must give it back.
        var account = await servers.CreateAccountAsync(0.001m, Password);
        using var first = TwoServersFixture.Client(servers.First, account.Key);
        using var second = TwoServersFixture.Client(servers.Second, account.Key);

        var statuses = new List<HttpStatusCode>();
        for (var i = 0; statuses.Count(s => s == HttpStatusCode.PaymentRequired) < 2 && i < 20; i++)
        {
            using var response = await (i % 2 == 0 ? first : second).PostAsync("v1/chat/completions", TwoServersFixture.Chat());
            statuses.Add(response.StatusCode);
        }

        var served = statuses.Count(s => s == HttpStatusCode.OK);
        var balance = await SettledBalanceAsync(account, served, statuses.Count);
        Assert.Equal(1_000 - served * GatewaySettings.EchoCostMicros(), balance);
        // Refused only once less than a reservation's floor (the prompt and 16 answer tokens) is left.
        Assert.True(served >= 6, $"served {served} of 8: {string.Join(", ", statuses)}");
        Assert.Contains("the books agree", await servers.CliAsync("audit"));
    }

    [Fact]
    public async Task KeyRpm_IsExactAcrossBothServers()
    {
        var account = await servers.CreateAccountAsync(1m, Password, "--rpm", "4");
        using var first = TwoServersFixture.Client(servers.First, account.Key);
        using var second = TwoServersFixture.Client(servers.Second, account.Key);

        var statuses = new List<HttpStatusCode>();
        for (var i = 0; i < 8; i++)
        {
            using var response = await (i % 2 == 0 ? first : second).PostAsync("v1/chat/completions", TwoServersFixture.Chat());
            statuses.Add(response.StatusCode);
        }

        Assert.Equal(4, statuses.Count(s => s == HttpStatusCode.OK));
        Assert.Equal(4, statuses.Count(s => s == HttpStatusCode.TooManyRequests));
    }

    [Fact]
    public async Task SignedInOnOne_IsSignedInOnTheOther_AndAKeyRevokedThereIsRefusedHereWithinASecond()
    {
        var account = await servers.CreateAccountAsync(1m, Password);
        await using var chromium = await HeadlessChromium.LaunchAsync();
        await using var context = await chromium.Browser.NewContextAsync();
        context.SetDefaultTimeout(15_000);
        var page = await context.NewPageAsync();

        await page.GotoAsync(InBrowser(servers.First, "Account/Login"));
        await page.FillAsync("#Input\\.Email", account.Email);
        await page.FillAsync("#Input\\.Password", Password);
        await page.ClickAsync("button:has-text('Log in') >> nth=0");
        await page.WaitForSelectorAsync("body[data-interactive=true]");
        // The same cookie (cookies do not care for ports), read with the key ring both servers keep in the database.
        await page.GotoAsync(InBrowser(servers.Second, "keys"));
        await page.WaitForSelectorAsync("body[data-interactive=true]");
        var keys = page.Locator("[data-testid=keys-grid]");
        await Assertions.Expect(keys).ToContainTextAsync(account.Key[..12]);

        using var first = TwoServersFixture.Client(servers.First, account.Key);
        using (var before = await first.PostAsync("v1/chat/completions", TwoServersFixture.Chat()))
            Assert.Equal(HttpStatusCode.OK, before.StatusCode);
        await keys.Locator("[data-testid=revoke-key]").ClickAsync();
        await page.ClickAsync("[data-testid=confirm-revoke]");
        await Assertions.Expect(page.GetByText($"Revoked {account.Key[..12]}")).ToBeVisibleAsync();
        var revoked = Stopwatch.StartNew();

        await TwoServersFixture.WaitUntilAsync(async () =>
        {
            using var after = await first.PostAsync("v1/chat/completions", TwoServersFixture.Chat());
            return after.StatusCode == HttpStatusCode.Unauthorized;
        }, TimeSpan.FromSeconds(5));
        Assert.True(revoked.Elapsed < TimeSpan.FromSeconds(1), $"the other server still took the key {revoked.ElapsedMilliseconds} ms after it was revoked");
    }

    /// <summary>The balance once every settle and log row of the account's requests is written (both are written behind the answers).</summary>
    private async Task<long> SettledBalanceAsync(TestAccount account, int served, int requests)
    {
        await TwoServersFixture.WaitUntilAsync(async () =>
            await servers.QueryAsync<long>("""SELECT COUNT(*) FROM "Ledger" WHERE "UserId" = @p0 AND "Kind" = 4""", account.UserId) == served &&
            await servers.QueryAsync<long>("""SELECT COUNT(*) FROM "RequestLogs" WHERE "UserId" = @p0""", account.UserId) == requests,
            TimeSpan.FromSeconds(10));
        return await servers.QueryAsync<long>("""SELECT "BalanceMicros" FROM "Balances" WHERE "UserId" = @p0""", account.UserId);
    }

    /// <summary><c>localhost</c> for the browser: one host for both servers, so one cookie jar.</summary>
    private static string InBrowser(AppProcess server, string path) => new Uri(new UriBuilder(server.BaseAddress) { Host = "localhost" }.Uri, path).ToString();
}
