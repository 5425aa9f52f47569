using System.Net;
using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.DependencyInjection;
using TokenPortal.Core.Accounts;
using TokenPortal.Core.Data.Entities;

namespace TokenPortal.Tests.Accounts;

/// <summary>
/// An email longer than Identity's 256-character columns is refused wherever an address is set, with a message, before
/// the database sees it (PostgreSQL refused it with an error page; SQLite kept it).
/// </summary>
public sealed class EmailLengthTests(GatewayFixture gateway) : IClassFixture<GatewayFixture>
{
    private const string Password = "Sturdy-Pass-42";

    private static string LongEmail() => $"{new string('a', 290)}-{Guid.NewGuid():N}@example.test";

    [Fact]
    public async Task SigningUpWithALongEmail_ShowsTheFormAgainWithTheReason_AndMakesNoAccount()
    {
        using var browser = PortalForms.NewBrowser(gateway.BaseAddress);
        var email = LongEmail();

        var (status, page) = await PortalForms.SubmitAsync(browser, "Account/Register", new() { ["Input.Email"] = email, ["Input.Password"] = Password, ["Input.ConfirmPassword"] = Password });

        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Contains("An email address has at most 256 characters.", page);
        Assert.Null(await FindAsync(email));
    }

    [Fact]
    public async Task TheCliAndAChangeOfEmail_AreRefusedTheSame()
    {
        await using var scope = gateway.Factory.Services.CreateAsyncScope();
        var accounts = scope.ServiceProvider.GetRequiredService<IAccountService>();
        var email = LongEmail();

        var refused = await Assert.ThrowsAsync<AccountException>(() => accounts.CreateAsync(email, Password, false, CancellationToken.None));

        Assert.Equal("An email address has at most 256 characters.", refused.Message);
        Assert.Null(await FindAsync(email));
        var users = scope.ServiceProvider.GetRequiredService<UserManager<PortalUser>>();
        var user = await accounts.CreateAsync($"short-{Guid.NewGuid():N}@example.test", Password, false, CancellationToken.None);
        var changed = await users.SetEmailAsync(user, email);
        Assert.Equal("EmailTooLong", Assert.Single(changed.Errors).Code);
    }

    private async Task<PortalUser?> FindAsync(string email)
    {
        await using var scope = gateway.Factory.Services.CreateAsyncScope();
        return await scope.ServiceProvider.GetRequiredService<UserManager<PortalUser>>().FindByEmailAsync(email);
    }
}
