using System.Net;
using Microsoft.Extensions.DependencyInjection;
using TokenPortal.Core.Accounts;
using TokenPortal.Core.Admin;

namespace TokenPortal.Tests.Components.Account;

/// <summary>Three sign-ups and four log-in attempts per address and hour, to run into.</summary>
public sealed class SignupAbuseFixture : GatewayFixture
{
    protected override void Configure(Dictionary<string, string?> settings)
    {
        settings["TokenPortal:Signup:MaxPerAddressPerHour"] = "3";
        settings["TokenPortal:Signup:MaxLoginsPerAddressPerHour"] = "4";
    }
}

/// <summary>
/// A script farming accounts (and their credit) or guessing passwords from one address is stopped by the portal, and
/// the admin sees the wave and can switch it off in one action.
/// </summary>
public sealed class SignupAbuseTests(SignupAbuseFixture gateway) : IClassFixture<SignupAbuseFixture>
{
    private const string Password = "Sturdy-Pass-42";

    [Fact]
    public async Task SignUpsPerAddress_AreLimited_LogInsHaveTheirOwnLimit_AndTheAdminDisablesTheWave()
    {
        using var browser = PortalForms.NewBrowser(gateway.BaseAddress);
        var emails = Enumerable.Range(0, 4).Select(i => $"farm{i}-{Guid.NewGuid():N}@example.test").ToList();

        var answers = new List<HttpStatusCode>();
        foreach (var email in emails)
            answers.Add(await PortalForms.PostAsync(browser, "Account/Register", new() { ["Input.Email"] = email, ["Input.Password"] = Password, ["Input.ConfirmPassword"] = Password }));

        Assert.Equal([HttpStatusCode.Found, HttpStatusCode.Found, HttpStatusCode.Found, HttpStatusCode.TooManyRequests], answers);
        await using var scope = gateway.Factory.Services.CreateAsyncScope();
        var accounts = scope.ServiceProvider.GetRequiredService<IAccountService>();
        Assert.Null(await accounts.FindByEmailAsync(emails[3], CancellationToken.None));
        // Reading the page is not signing up.
        Assert.Equal(HttpStatusCode.OK, (await browser.GetAsync("Account/Register")).StatusCode);

        // Log-ins count apart: the sign-ups above did not use them up.
        var logins = new List<HttpStatusCode>();
        for (var i = 0; i < 5; i++)
            logins.Add(await PortalForms.PostAsync(browser, "Account/Login", new() { ["Input.Email"] = emails[0], ["Input.Password"] = "wrong-" + i }));
        Assert.Equal([HttpStatusCode.OK, HttpStatusCode.OK, HttpStatusCode.OK, HttpStatusCode.OK, HttpStatusCode.TooManyRequests], logins);

        // The admin's view: today's sign-ups, the address they came from, and one action for all of them.
        var admin = scope.ServiceProvider.GetRequiredService<IUserAdministration>();
        var today = (await admin.SignupsPerDayAsync(14, CancellationToken.None))[^1];
        Assert.True(today.SignUps >= 3, $"{today.SignUps} sign-ups counted today");
        var (wave, _) = await admin.SearchAsync("127.0.0.1", 0, 100, CancellationToken.None);
        var farmed = wave.Where(u => emails.Contains(u.Email)).ToList();
        Assert.Equal(3, farmed.Count);
        Assert.All(farmed, u => Assert.Equal("127.0.0.1", u.SignupAddress));

        await admin.SetDisabledAsync(farmed.Select(u => u.Id).ToList(), true, "admin@example.test", CancellationToken.None);

        var (after, _) = await admin.SearchAsync("127.0.0.1", 0, 100, CancellationToken.None);
        Assert.All(after.Where(u => emails.Contains(u.Email)), u => Assert.True(u.IsDisabled));
        var (entries, _) = await scope.ServiceProvider.GetRequiredService<IAuditLog>().SearchAsync("user.disable", 0, 50, CancellationToken.None);
        Assert.Equal(3, entries.Count(e => emails.Contains(e.Target) && e.Actor == "admin@example.test"));
    }

    [Fact]
    public async Task BehindTheLocalProxy_TheForwardedAddressIsTheClients_AndHasItsOwnLimit()
    {
        using var browser = PortalForms.NewBrowser(gateway.BaseAddress);
        browser.DefaultRequestHeaders.Add("X-Forwarded-For", "203.0.113.7");
        var email = $"proxied-{Guid.NewGuid():N}@example.test";

        Assert.Equal(HttpStatusCode.Found, await PortalForms.PostAsync(browser, "Account/Register",
            new() { ["Input.Email"] = email, ["Input.Password"] = Password, ["Input.ConfirmPassword"] = Password }));

        await using var scope = gateway.Factory.Services.CreateAsyncScope();
        var (rows, _) = await scope.ServiceProvider.GetRequiredService<IUserAdministration>().SearchAsync("203.0.113.7", 0, 10, CancellationToken.None);
        Assert.Equal(email, Assert.Single(rows).Email);
    }
}
