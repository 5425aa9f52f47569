using System.Net;
using System.Text;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using TokenPortal.Core.Accounts;
using TokenPortal.Core.Admin;
using TokenPortal.Core.Billing;
using TokenPortal.Core.Data.Entities;
using TokenPortal.Core.Keys;

namespace TokenPortal.Tests.Components.Account;

/// <summary>
/// Deleting one's account from the portal (it threw on the ledger's foreign key): the person's data goes, the account
/// can do nothing more, and the books still add up.
/// </summary>
public sealed class AccountDeletionTests(GatewayFixture gateway) : IClassFixture<GatewayFixture>
{
    private const string Password = "Sturdy-Pass-42";

    [Fact]
    public async Task DeletingMyAccount_AnonymisesAndClosesIt_KeysStop_AndTheLedgerStays()
    {
        var email = $"leaving-{Guid.NewGuid():N}@example.test";
        PortalUser user;
        string key;
        await using (var scope = gateway.Factory.Services.CreateAsyncScope())
        {
            user = await scope.ServiceProvider.GetRequiredService<IAccountService>().CreateAsync(email, Password, false, CancellationToken.None);
            await gateway.Ledger.CreditAsync(user.Id, 2_000_000, LedgerEntryKind.Credit, "test credit", CancellationToken.None);
            key = (await scope.ServiceProvider.GetRequiredService<IApiKeyService>().CreateAsync(user.Id, new ApiKeySpec("k"), CancellationToken.None)).PlainKey;
        }
        using var api = gateway.CreateClient(key);
        var chat = () => api.PostAsync("v1/chat/completions", new StringContent("""{"model":"gpt-test","messages":[{"role":"user","content":"hi"}]}""", Encoding.UTF8, "application/json"));
        Assert.Equal(HttpStatusCode.OK, (await chat()).StatusCode);
        var account = new TestAccount(user.Id, email, key);
        var ledgerBefore = await gateway.LedgerEntriesAsync(account);
        var balanceBefore = await gateway.BalanceAsync(account);

        using var browser = PortalForms.NewBrowser(gateway.BaseAddress);
        Assert.Equal(HttpStatusCode.Found, await PortalForms.PostAsync(browser, "Account/Login", new() { ["Input.Email"] = email, ["Input.Password"] = Password }));
        Assert.Equal(HttpStatusCode.Found, await PortalForms.PostAsync(browser, "Account/Manage/DeletePersonalData", new() { ["Input.Password"] = Password }));

        Assert.Equal(HttpStatusCode.Unauthorized, (await chat()).StatusCode);
        await using (var db = await gateway.DbAsync())
        {
            var row = await db.Users.AsNoTracking().SingleAsync(u => u.Id == user.Id);
            Assert.True(row.IsDisabled);
            Assert.NotNull(row.DeletedAt);
            Assert.DoesNotContain(email, row.Email!, StringComparison.OrdinalIgnoreCase);
            Assert.Null(row.PasswordHash);
            Assert.All(await db.ApiKeys.AsNoTracking().Where(k => k.UserId == user.Id).ToListAsync(), k => Assert.NotNull(k.RevokedAt));
        }
        Assert.Equal(ledgerBefore.Select(e => e.Id), (await gateway.LedgerEntriesAsync(account)).Select(e => e.Id));
        Assert.Equal(balanceBefore, await gateway.BalanceAsync(account));
        await gateway.AssertBooksBalanceAsync(account);

        // The old credentials open nothing, and the address is free for a new account.
        using var again = PortalForms.NewBrowser(gateway.BaseAddress);
        Assert.Equal(HttpStatusCode.OK, await PortalForms.PostAsync(again, "Account/Login", new() { ["Input.Email"] = email, ["Input.Password"] = Password }));
        await using (var scope = gateway.Factory.Services.CreateAsyncScope())
        {
            Assert.Null(await scope.ServiceProvider.GetRequiredService<IAccountService>().FindByEmailAsync(email, CancellationToken.None));
            var (entries, _) = await scope.ServiceProvider.GetRequiredService<IAuditLog>().SearchAsync("user.delete", 0, 50, CancellationToken.None);
            Assert.Contains(entries, e => e.Target == user.Id);
        }
    }
}
