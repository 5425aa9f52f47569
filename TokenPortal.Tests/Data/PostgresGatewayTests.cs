using System.Net;
using System.Text;
using TokenPortal.Core.Billing;

namespace TokenPortal.Tests.Data;

/// <summary>The gateway on a real PostgreSQL (a throwaway server the tests start), whatever the suite's database.</summary>
public sealed class PostgresGatewayFixture : GatewayFixture
{
    protected override bool UsesPostgres => true;
}

/// <summary>
/// <c>Database:Provider=Postgres</c>: migrations applied at start, requests reserved, served, settled and logged through
/// the PostgreSQL writers, concurrency without overspend, and the books agree (the fixture audits them at the end).
/// </summary>
[Trait("Database", "Postgres")]
public sealed class PostgresGatewayTests(PostgresGatewayFixture gateway) : IClassFixture<PostgresGatewayFixture>
{
    private static StringContent Chat(bool stream = false) => new(
        $$"""{"model":"gpt-test","stream":{{(stream ? "true" : "false")}},"messages":[{"role":"user","content":"hi"}]}""", Encoding.UTF8, "application/json");

    [Fact]
    public async Task ARequestIsChargedExactly_AndLogged()
    {
        var account = await gateway.CreateAccountAsync(usd: 1m);
        using var client = gateway.CreateClient(account.Key);

        using var whole = await client.PostAsync("v1/chat/completions", Chat());
        using var streamed = await client.PostAsync("v1/chat/completions", Chat(stream: true));
        await streamed.Content.ReadAsStringAsync();

        Assert.Equal(HttpStatusCode.OK, whole.StatusCode);
        Assert.Equal(HttpStatusCode.OK, streamed.StatusCode);
        Assert.Equal(1_000_000 - 2 * GatewaySettings.EchoCostMicros(), await gateway.BalanceAsync(account));
        var rows = await gateway.LogRowsAsync(account);
        Assert.Equal(2, rows.Count);
        Assert.All(rows, r => Assert.Equal(GatewaySettings.EchoCostMicros(), r.CostMicros));
        await gateway.AssertBooksBalanceAsync(account);
    }

    [Fact]
    public async Task ConcurrentRequestsOnATightBalance_NeverOverspend()
    {
        // Room for about a dozen echo answers, at a reservation of the whole 1,000-token bound each: most are refused (402).
        var account = await gateway.CreateAccountAsync(usd: 0.05m);
        using var client = gateway.CreateClient(account.Key);

        var statuses = await Task.WhenAll(Enumerable.Range(0, 60).Select(async _ =>
        {
            using var response = await client.PostAsync("v1/chat/completions", Chat());
            return response.StatusCode;
        }));

        var served = statuses.Count(s => s == HttpStatusCode.OK);
        Assert.True(served > 0);
        Assert.All(statuses, s => Assert.Contains(s, new[] { HttpStatusCode.OK, HttpStatusCode.PaymentRequired }));
        Assert.Equal(50_000 - served * GatewaySettings.EchoCostMicros(), await gateway.BalanceAsync(account));
        Assert.True(await gateway.BalanceAsync(account) >= 0);
        await gateway.AssertBooksBalanceAsync(account);
    }

    [Fact]
    public async Task CreditsThroughTheLedger_AddUp()
    {
        var account = await gateway.CreateAccountAsync(usd: 0);
        await gateway.Ledger.CreditAsync(account.UserId, 2_500_000, Core.Data.Entities.LedgerEntryKind.Credit, "grant", CancellationToken.None);

        Assert.Equal(2_500_000, await gateway.BalanceAsync(account));
        Assert.Equal(2_500_000, MicroUsd.FromUsd(2.5m));
    }
}
