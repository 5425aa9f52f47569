using System.Net;
using System.Text;
using System.Text.Json.Nodes;
using Microsoft.Extensions.DependencyInjection;
using TokenPortal.Core.Admin;
using TokenPortal.Core.Data.Entities;

namespace TokenPortal.Tests.Gateway;

/// <summary>
/// An upstream that reports more than was reserved (the fake's <c>overrun</c> model bills 100,000 output tokens for a
/// request bounded at 50): the excess is charged from the rest of the balance, and only what it cannot cover is written off.
/// </summary>
public sealed class OverrunBillingTests(GatewayFixture gateway) : IClassFixture<GatewayFixture>
{
    /// <summary>32 uncached and 10 cached prompt tokens, 100,000 output tokens: 800,069 micro-USD.</summary>
    private static readonly long OverrunCost = GatewaySettings.EchoCostMicros(completionTokens: 100_000);

    private static StringContent Overrun(bool stream) => ChatExchange.Request("overrun", stream, maxTokens: 50);

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task Overrun_TheUserCanCoverIt_IsChargedInFullFromTheRestOfTheBalance(bool stream)
    {
        var account = await gateway.CreateAccountAsync(usd: 1m);
        using var client = gateway.CreateClient(account.Key);

        using var response = await client.PostAsync("v1/chat/completions", Overrun(stream));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var usage = await ChatExchange.UsageAsync(response, stream);
        Assert.Equal(100_000, usage["completion_tokens"]!.GetValue<int>());
        Assert.Equal(OverrunCost / 1_000_000m, usage["cost"]!.GetValue<decimal>());
        Assert.Equal(1_000_000 - OverrunCost, await gateway.BalanceAsync(account));
        var row = Assert.Single(await gateway.LogRowsAsync(account));
        Assert.Equal(OverrunCost, row.CostMicros);
        Assert.Equal(0, row.WrittenOffMicros);
        Assert.DoesNotContain(await gateway.LedgerEntriesAsync(account), e => e.Kind == LedgerEntryKind.WriteOff);
        await gateway.AssertBooksBalanceAsync(account);
        await gateway.AssertAuditCleanAsync();
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task Overrun_TheUserCannotCoverIt_TakesTheBalanceToZeroAndWritesOffTheRest(bool stream)
    {
        var account = await gateway.CreateAccountAsync(usd: 0.1m);
        using var client = gateway.CreateClient(account.Key);

        using var response = await client.PostAsync("v1/chat/completions", Overrun(stream));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(0.1m, (await ChatExchange.UsageAsync(response, stream))["cost"]!.GetValue<decimal>());
        Assert.Equal(0, await gateway.BalanceAsync(account));
        var row = Assert.Single(await gateway.LogRowsAsync(account));
        Assert.Equal(100_000, row.CostMicros);
        Assert.Equal(OverrunCost - 100_000, row.WrittenOffMicros);
        var entries = await gateway.LedgerEntriesAsync(account);
        Assert.Equal(-OverrunCost, entries.Single(e => e.Kind == LedgerEntryKind.Settle).AmountMicros);
        Assert.Equal(OverrunCost - 100_000, entries.Single(e => e.Kind == LedgerEntryKind.WriteOff).AmountMicros);
        await gateway.AssertBooksBalanceAsync(account);
        await gateway.AssertAuditCleanAsync();

        // No debt: access pauses at $0.
        using var next = await client.PostAsync("v1/chat/completions", Overrun(stream: false));
        Assert.Equal(HttpStatusCode.PaymentRequired, next.StatusCode);

        // The admin's user list counts it.
        await using var scope = gateway.Factory.Services.CreateAsyncScope();
        var (users, _) = await scope.ServiceProvider.GetRequiredService<IUserAdministration>().SearchAsync(account.Email, 0, 10, CancellationToken.None);
        var user = Assert.Single(users);
        Assert.Equal(1, user.Overruns);
        Assert.Equal(OverrunCost - 100_000, user.WrittenOffMicros);
    }

    [Fact]
    public async Task Overrun_WithinAKeyBudget_ChargesOnlyWhatTheBudgetHasLeft()
    {
        var account = await gateway.CreateAccountAsync(usd: 5m, spec: new Core.Keys.ApiKeySpec("budget", BudgetMicros: 300_000));
        using var client = gateway.CreateClient(account.Key);

        using var response = await client.PostAsync("v1/chat/completions", Overrun(stream: false));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var row = Assert.Single(await gateway.LogRowsAsync(account));
        Assert.Equal(300_000, row.CostMicros);
        Assert.Equal(OverrunCost - 300_000, row.WrittenOffMicros);
        Assert.Equal(5_000_000 - 300_000, await gateway.BalanceAsync(account));
        await gateway.AssertAuditCleanAsync();
    }

    [Fact]
    public async Task Overruns_ConcurrentWithTheUsersOtherRequests_NeverOverspendAndWriteOffOnlyTheShortfall()
    {
        // $2: three overruns of $0.80 each cannot all be covered, whatever order they settle in with forty ordinary requests.
        var account = await gateway.CreateAccountAsync(usd: 2m);
        using var client = gateway.CreateClient(account.Key);
        var ordinary = Enumerable.Range(0, 40).Select(_ => client.PostAsync("v1/chat/completions",
            new StringContent("""{"model":"gpt-test","max_tokens":20,"messages":[{"role":"user","content":"hi"}]}""", Encoding.UTF8, "application/json")));
        var overruns = Enumerable.Range(0, 3).Select(i => client.PostAsync("v1/chat/completions", Overrun(stream: i % 2 == 1)));

        var responses = await Task.WhenAll(ordinary.Concat(overruns));
        foreach (var response in responses)
            response.Dispose();

        var rows = await gateway.LogRowsAsync(account);
        var balance = await gateway.BalanceAsync(account);
        Assert.True(balance >= 0);
        Assert.Equal(2_000_000 - rows.Sum(r => r.CostMicros), balance);
        var overrunRows = rows.Where(r => r.Model == "overrun" && r.Status == 200).ToList();
        Assert.NotEmpty(overrunRows);
        // Every overrun is charged in full or until the money ran out, and the write-offs are exactly what was not covered.
        Assert.All(overrunRows, r => Assert.Equal(OverrunCost, r.CostMicros + r.WrittenOffMicros));
        Assert.True(overrunRows.Sum(r => r.WrittenOffMicros) > 0);
        Assert.Equal(overrunRows.Sum(r => r.WrittenOffMicros), (await gateway.LedgerEntriesAsync(account)).Where(e => e.Kind == LedgerEntryKind.WriteOff).Sum(e => e.AmountMicros));
        // Written off only when nothing free was left: what remains is at most what the ordinary requests' reservations gave back.
        Assert.True(balance < 40 * 200, $"{balance} micro-USD left although {overrunRows.Sum(r => r.WrittenOffMicros)} was written off");
        await gateway.AssertBooksBalanceAsync(account);
        await gateway.AssertAuditCleanAsync();
    }
}
