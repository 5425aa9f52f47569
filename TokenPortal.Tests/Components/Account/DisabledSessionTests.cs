using System.Net;
using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.DependencyInjection;
using TokenPortal.Core.Accounts;
using TokenPortal.Core.Admin;
using TokenPortal.Core.Data.Entities;

namespace TokenPortal.Tests.Components.Account;

/// <summary>
/// A disabled account keeps no portal session: saving its profile after the disable (Identity renews the cookie then)
/// signs it out rather than handing it a cookie with the new stamp, and no stamp of it passes the cookie check.
/// </summary>
public sealed class DisabledSessionTests(GatewayFixture gateway) : IClassFixture<GatewayFixture>
{
    private const string Password = "Sturdy-Pass-42";

    [Fact]
    public async Task SavingTheProfileAfterTheDisable_SignsOut_InsteadOfRenewingTheCookie()
    {
        var user = await CreateUserAsync();
        using var browser = PortalForms.NewBrowser(gateway.BaseAddress);
        Assert.Equal(HttpStatusCode.Found, await PortalForms.PostAsync(browser, "Account/Login", new() { ["Input.Email"] = user.Email!, ["Input.Password"] = Password }));
        Assert.Equal(HttpStatusCode.OK, (await browser.GetAsync("Account/Manage")).StatusCode);

        await DisableAsync(user);
        await PortalForms.PostAsync(browser, "Account/Manage", new() { ["Input.PhoneNumber"] = "+15550100" });

        using var after = await browser.GetAsync("Account/Manage");
        Assert.Equal(HttpStatusCode.Redirect, after.StatusCode);
        Assert.Contains("Account/Login", after.Headers.Location!.ToString());
    }

    [Fact]
    public async Task ADisabledAccountsCurrentStamp_FailsTheCookieCheck()
    {
        var user = await CreateUserAsync();
        await using var scope = gateway.Factory.Services.CreateAsyncScope();
        var signIn = scope.ServiceProvider.GetRequiredService<SignInManager<PortalUser>>();
        var users = scope.ServiceProvider.GetRequiredService<UserManager<PortalUser>>();
        Assert.True(await signIn.ValidateSecurityStampAsync(user, await users.GetSecurityStampAsync(user)));

        await DisableAsync(user);

        var disabled = (await users.FindByIdAsync(user.Id))!;
        Assert.False(await signIn.ValidateSecurityStampAsync(disabled, await users.GetSecurityStampAsync(disabled)));
    }

    private async Task<PortalUser> CreateUserAsync()
    {
        await using var scope = gateway.Factory.Services.CreateAsyncScope();
        return await scope.ServiceProvider.GetRequiredService<IAccountService>().CreateAsync($"disabled-{Guid.NewGuid():N}@example.test", Password, false, CancellationToken.None);
    }

    private async Task DisableAsync(PortalUser user)
    {
        await using var scope = gateway.Factory.Services.CreateAsyncScope();
        await scope.ServiceProvider.GetRequiredService<IUserAdministration>().SetDisabledAsync([user.Id], true, "admin@example.test", CancellationToken.None);
    }
}
