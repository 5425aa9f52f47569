using System.Net;
using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.DependencyInjection;
using TokenPortal.Core.Accounts;
using TokenPortal.Core.Configuration;
using TokenPortal.Core.Data.Entities;

namespace TokenPortal.Tests.Accounts;

/// <summary>A $1 signup credit that comes with the first payment.</summary>
public sealed class FirstPaymentCreditFixture : StripeFixture
{
    protected override void Configure(Dictionary<string, string?> settings)
    {
        base.Configure(settings);
        settings["TokenPortal:SignupCreditUsd"] = "1";
        settings["TokenPortal:Signup:CreditRequires"] = "FirstPayment";
    }
}

/// <summary>A $1 signup credit that comes with a linked GitHub or Discord sign-in.</summary>
public sealed class ExternalLoginCreditFixture : GatewayFixture
{
    protected override void Configure(Dictionary<string, string?> settings)
    {
        settings["TokenPortal:SignupCreditUsd"] = "1";
        settings["TokenPortal:Signup:CreditRequires"] = "ExternalLogin";
    }
}

/// <summary><c>Signup:CreditRequires</c>: the credit waits for its condition, then comes exactly once.</summary>
public sealed class FirstPaymentCreditTests(FirstPaymentCreditFixture gateway) : IClassFixture<FirstPaymentCreditFixture>
{
    [Fact]
    public async Task TheCreditComesWithTheFirstTopUp_AndNotWithTheSecond()
    {
        var account = await gateway.CreateAccountAsync(usd: 0);
        Assert.Equal(0, await gateway.BalanceAsync(account));
        await using (var scope = gateway.Factory.Services.CreateAsyncScope())
            Assert.False(await scope.ServiceProvider.GetRequiredService<IAccountService>().GrantExternalLoginCreditAsync(account.UserId, ExternalLoginCreditTests.GitHub("1"), CancellationToken.None));

        foreach (var _ in Enumerable.Range(0, 2))
        {
            var (_, status) = await gateway.Stripe.CompleteCheckoutAsync(await gateway.StartTopUpAsync(account, 5_000_000));
            Assert.Equal(HttpStatusCode.OK, status);
        }

        Assert.Equal(11_000_000, await gateway.BalanceAsync(account));
        var signup = (await gateway.LedgerEntriesAsync(account)).Where(e => e.Note == SignupCredit.Note).ToList();
        Assert.Equal(1_000_000, Assert.Single(signup).AmountMicros);
        await gateway.AssertBooksBalanceAsync(account);
    }
}

public sealed class ExternalLoginCreditTests(ExternalLoginCreditFixture gateway) : IClassFixture<ExternalLoginCreditFixture>
{
    [Fact]
    public async Task APasswordSignUpGetsNothing_ALinkedLoginGetsTheCreditOnce_EvenAskedConcurrently()
    {
        var account = await gateway.CreateAccountAsync(usd: 0);
        Assert.Equal(0, await gateway.BalanceAsync(account));
        var login = GitHub(Guid.NewGuid().ToString("N"));

        var grants = await Task.WhenAll(Enumerable.Range(0, 8).Select(_ => GrantAsync(account, login)));

        Assert.Equal(1, grants.Count(granted => granted));
        Assert.Equal(1_000_000, await gateway.BalanceAsync(account));
        Assert.Single(await gateway.LedgerEntriesAsync(account), e => e.Kind == LedgerEntryKind.Credit);
    }

    [Fact]
    public async Task OneGitHubIdentity_EarnsOneCredit_WhicheverAccountsItIsLinkedTo_EvenAtOnce()
    {
        // Unlink it, sign up again, link it again: the script that farms credits with a single GitHub account.
        var login = GitHub(Guid.NewGuid().ToString("N"));
        var accounts = await Task.WhenAll(Enumerable.Range(0, 6).Select(_ => gateway.CreateAccountAsync(usd: 0)));

        var grants = await Task.WhenAll(accounts.Select(account => GrantAsync(account, login)));

        Assert.Equal(1, grants.Count(granted => granted));
        var balances = await Task.WhenAll(accounts.Select(gateway.BalanceAsync));
        Assert.Equal(1_000_000, balances.Sum());
        // The accounts that lost can still earn theirs with an identity of their own; Discord's ids are another provider's.
        var loser = accounts[Array.IndexOf(grants, false)];
        Assert.True(await GrantAsync(loser, new UserLoginInfo("Discord", login.ProviderKey, "Discord")));
        Assert.Equal(1_000_000, await gateway.BalanceAsync(loser));
        foreach (var account in accounts)
            await gateway.AssertBooksBalanceAsync(account);
    }

    private async Task<bool> GrantAsync(TestAccount account, UserLoginInfo login)
    {
        await using var scope = gateway.Factory.Services.CreateAsyncScope();
        return await scope.ServiceProvider.GetRequiredService<IAccountService>().GrantExternalLoginCreditAsync(account.UserId, login, CancellationToken.None);
    }

    internal static UserLoginInfo GitHub(string id) => new("GitHub", id, "GitHub");
}
