using System.Net;
using System.Text;
using TokenPortal.Core.Data.Entities;

namespace TokenPortal.Tests.Billing;

/// <summary>Real parallel HTTP requests against one small balance: nothing is ever overspent.</summary>
public sealed class ConcurrentSpendingTests(GatewayFixture gateway) : IClassFixture<GatewayFixture>
{
    // Long enough that the gateway's prompt estimate exceeds the fake's 42 reported prompt tokens,
    // so every charge is the exact usage cost rather than a capped one.
    private static readonly string Prompt = string.Join(' ', Enumerable.Repeat("Please summarise the ledger rules carefully.", 10));

    [Fact]
    public async Task FiftyParallelRequests_AgainstBalanceForAboutFive_NeverOverspend()
    {
        var cost = GatewaySettings.EchoCostMicros();
        var account = await gateway.CreateAccountAsync(usd: 0.001m); // 1,000 micro-USD; each request costs 125
        using var client = gateway.CreateClient(account.Key);
        using var start = new SemaphoreSlim(0);
        var body = $$"""{"model":"gpt-test","max_tokens":7,"messages":[{"role":"user","content":"{{Prompt}}"}]}""";

        var requests = Enumerable.Range(0, 50).Select(async _ =>
        {
            await start.WaitAsync();
            using var response = await client.PostAsync("v1/chat/completions", new StringContent(body, Encoding.UTF8, "application/json"));
            return response.StatusCode;
        }).ToList();
        start.Release(50);
        var statuses = await Task.WhenAll(requests);

        var succeeded = statuses.Count(s => s == HttpStatusCode.OK);
        Assert.All(statuses, s => Assert.Contains(s, new[] { HttpStatusCode.OK, HttpStatusCode.PaymentRequired }));
        // Each reservation is ~280 micro-USD (prompt estimate with headroom + 7 output tokens), so at least three fit at once.
        Assert.InRange(succeeded, 3, 1_000 / (int)cost);
        var balance = await gateway.BalanceAsync(account);
        Assert.True(balance >= 0);
        Assert.Equal(1_000 - succeeded * cost, balance);
        await gateway.AssertBooksBalanceAsync(account);

        var entries = await gateway.LedgerEntriesAsync(account);
        var rows = await gateway.LogRowsAsync(account);
        Assert.Equal(succeeded, entries.Count(e => e.Kind == LedgerEntryKind.Settle));
        Assert.Equal(-entries.Where(e => e.Kind == LedgerEntryKind.Settle).Sum(e => e.AmountMicros), rows.Sum(r => r.CostMicros));
        Assert.Equal(50, rows.Count);
        Assert.Equal(succeeded, rows.Count(r => r.Status == 200));
    }

    [Fact]
    public async Task ParallelStreams_AgainstSmallBalance_NeverOverspend()
    {
        var cost = GatewaySettings.EchoCostMicros();
        var account = await gateway.CreateAccountAsync(usd: 0.0006m);
        using var client = gateway.CreateClient(account.Key);
        using var start = new SemaphoreSlim(0);
        var body = $$"""{"model":"gpt-test","stream":true,"max_tokens":7,"messages":[{"role":"user","content":"{{Prompt}}"}]}""";

        var requests = Enumerable.Range(0, 20).Select(async _ =>
        {
            await start.WaitAsync();
            using var response = await client.PostAsync("v1/chat/completions", new StringContent(body, Encoding.UTF8, "application/json"));
            var text = await response.Content.ReadAsStringAsync();
            return response.StatusCode == HttpStatusCode.OK && text.Contains("[DONE]");
        }).ToList();
        start.Release(20);
        var completed = (await Task.WhenAll(requests)).Count(ok => ok);

        Assert.InRange(completed, 2, 600 / (int)cost);
        Assert.Equal(600 - completed * cost, await gateway.BalanceAsync(account));
        await gateway.AssertBooksBalanceAsync(account);
    }
}
