using Microsoft.EntityFrameworkCore;
using System.Net;
using System.Security.Claims;
using System.Text;
using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.DependencyInjection;
using TokenPortal.Core.Admin;
using TokenPortal.Core.Data.Entities;
using TokenPortal.Core.Keys;
using TokenPortal.Web.Components.Account;

namespace TokenPortal.Tests.Cli;

/// <summary>A gateway of its own: these tests reprice its models.</summary>
public sealed class LiveChangesFixture : GatewayFixture;

/// <summary>
/// Changes made by another process (the admin CLI, on the same database, while the server runs) apply to the server's
/// very next request, although it caches keys, the catalog and settings.
/// </summary>
public sealed class LiveChangesTests(LiveChangesFixture gateway) : IClassFixture<LiveChangesFixture>
{
    private Task<CliResult> Cli(params string[] args) =>
        AppProcess.RunCliAsync(gateway.ProcessEnvironment(), args);

    private static StringContent Chat() => new("""{"model":"gpt-test","messages":[{"role":"user","content":"hi"}]}""", Encoding.UTF8, "application/json");

    [Fact]
    public async Task AKeyRevokedByTheCli_IsRefusedOnTheNextRequest()
    {
        var account = await gateway.CreateAccountAsync(usd: 1m);
        using var client = gateway.CreateClient(account.Key);
        Assert.Equal(HttpStatusCode.OK, (await client.PostAsync("v1/chat/completions", Chat())).StatusCode);

        Assert.Equal(0, (await Cli("key", "revoke", "--prefix", account.Key)).ExitCode);

        Assert.Equal(HttpStatusCode.Unauthorized, (await client.PostAsync("v1/chat/completions", Chat())).StatusCode);
    }

    [Fact]
    public async Task AUserDisabledByTheCli_IsRefusedOnTheNextRequest_AndEnabledAgainWorks()
    {
        var account = await gateway.CreateAccountAsync(usd: 1m);
        using var client = gateway.CreateClient(account.Key);
        Assert.Equal(HttpStatusCode.OK, (await client.PostAsync("v1/chat/completions", Chat())).StatusCode);

        Assert.Equal(0, (await Cli("user", "disable", "--email", account.Email)).ExitCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await client.PostAsync("v1/chat/completions", Chat())).StatusCode);

        Assert.Equal(0, (await Cli("user", "enable", "--email", account.Email)).ExitCode);
        Assert.Equal(HttpStatusCode.OK, (await client.PostAsync("v1/chat/completions", Chat())).StatusCode);
    }

    [Fact]
    public async Task APriceChangedByTheCli_IsChargedOnTheNextRequest_AndListed()
    {
        var account = await gateway.CreateAccountAsync(usd: 1m);
        using var client = gateway.CreateClient(account.Key);
        Assert.Equal(HttpStatusCode.OK, (await client.PostAsync("v1/chat/completions", Chat())).StatusCode);
        var afterFirst = await gateway.BalanceAsync(account);
        Assert.Equal(1_000_000 - GatewaySettings.EchoCostMicros(), afterFirst);

        var repriced = await Cli("model", "price", "--id", "gpt-test", "--input-usd", "4", "--cached-input-usd", "1", "--output-usd", "16");
        Assert.Equal(0, repriced.ExitCode);
        try
        {
            Assert.Equal(HttpStatusCode.OK, (await client.PostAsync("v1/chat/completions", Chat())).StatusCode);
            Assert.Equal(2 * GatewaySettings.EchoCostMicros(), afterFirst - await gateway.BalanceAsync(account));
            var listed = await client.GetStringAsync("v1/models/gpt-test");
            Assert.Contains("\"input\":4", listed.Replace(" ", ""));
        }
        finally
        {
            await Cli("model", "price", "--id", "gpt-test", "--input-usd", "2", "--cached-input-usd", "0.5", "--output-usd", "8");
        }
    }

    [Fact]
    public async Task ModelPrice_RefusesUnknownModelsAndNegativePrices_WithExit2()
    {
        Assert.Equal(2, (await Cli("model", "price", "--id", "no-such-model", "--input-usd", "1")).ExitCode);
        Assert.Equal(2, (await Cli("model", "price", "--id", "gpt-test", "--input-usd", "-1")).ExitCode);
    }

    [Fact]
    public async Task ADisabledUsersOpenPortalTab_FailsItsNextRevalidation_WithinAMinute()
    {
        var account = await gateway.CreateAccountAsync(usd: 0);
        await using var scope = gateway.Factory.Services.CreateAsyncScope();
        var users = scope.ServiceProvider.GetRequiredService<UserManager<PortalUser>>();
        var user = (await users.FindByIdAsync(account.UserId))!;
        ClaimsPrincipal tab = await scope.ServiceProvider.GetRequiredService<SignInManager<PortalUser>>().CreateUserPrincipalAsync(user);
        var revalidation = ActivatorUtilities.CreateInstance<IdentityRevalidatingAuthenticationStateProvider>(scope.ServiceProvider);
        Assert.True(await revalidation.IsStillValidAsync(tab));

        // Only the flag, as a row edited by hand or by an older version would have it: the check must not rely on the stamp.
        user.IsDisabled = true;
        await users.UpdateAsync(user);

        Assert.False(await revalidation.IsStillValidAsync(tab));
        Assert.True(IdentityRevalidatingAuthenticationStateProvider.Interval <= TimeSpan.FromMinutes(1));
    }

    [Fact]
    public async Task WhatTheCliChanges_IsInTheAuditLog_WhichTheDatabaseKeepsAppendOnly()
    {
        var account = await gateway.CreateAccountAsync(usd: 0);
        Assert.Equal(0, (await Cli("credit", "--email", account.Email, "--usd", "3", "--note", "goodwill")).ExitCode);
        var minted = (await Cli("key", "create", "--email", account.Email, "--name", "ops")).StandardOutput.Trim();
        Assert.Equal(0, (await Cli("key", "revoke", "--prefix", minted[..12])).ExitCode);
        Assert.Equal(0, (await Cli("user", "disable", "--email", account.Email)).ExitCode);

        var (entries, _) = await gateway.Factory.Services.GetRequiredService<IAuditLog>().SearchAsync(null, 0, 200, CancellationToken.None);
        var mine = entries.Where(e => e.Target == account.Email || e.Target == minted[..12]).OrderBy(e => e.Id).ToList();
        Assert.Equal(["credit.grant", "key.create", "key.revoke", "user.disable"], mine.Select(e => e.Action));
        Assert.All(mine, e => Assert.Equal(IAuditLog.Cli, e.Actor));
        Assert.Contains("3.000000 USD: goodwill", mine[0].Detail);

        await using var db = await gateway.DbAsync();
        foreach (var change in new[] { """UPDATE "AuditLog" SET "Actor" = 'someone else'""", """DELETE FROM "AuditLog" """ })
        {
            var refused = await Assert.ThrowsAnyAsync<System.Data.Common.DbException>(() => db.Database.ExecuteSqlRawAsync(change));
            Assert.Contains("append-only", refused.Message);
        }
    }
}
