using System.Net;
using System.Text;
using System.Text.Json.Nodes;
using TokenPortal.Core.Keys;

namespace TokenPortal.Tests.Gateway;

/// <summary><c>/v1/responses</c> is held to chat's limits: balance, model allowlist and request rate, refused in DESIGN.md's error shape.</summary>
public sealed class ResponsesLimitsTests(GatewayFixture gateway) : IClassFixture<GatewayFixture>
{
    private static StringContent Ask(string model) => new($$"""{"model":"{{model}}","input":"Say hello"}""", Encoding.UTF8, "application/json");

    [Fact]
    public async Task BalanceBelowTheReservation_Is402_ChargesNothingAndIsLogged()
    {
        // 100 micro-USD: below the floor of any Claude request (the prompt at 3 USD/M plus 16 output tokens at 15).
        var account = await gateway.CreateAccountAsync(usd: 0.0001m);
        using var client = gateway.CreateClient(account.Key);
        var before = gateway.Upstream.CountFor("claude-echo");

        using var response = await client.PostAsync("v1/responses", Ask("claude-test"));

        await OpenAIError.AssertAsync(response, HttpStatusCode.PaymentRequired, "insufficient_quota", "insufficient_balance");
        Assert.Equal(before, gateway.Upstream.CountFor("claude-echo"));
        Assert.Equal(100, await gateway.BalanceAsync(account));
        var row = Assert.Single(await gateway.LogRowsAsync(account));
        Assert.Equal((402, "insufficient_balance", 0L), (row.Status, row.ErrorCode, row.CostMicros));
        await gateway.AssertBooksBalanceAsync(account);
    }

    [Fact]
    public async Task ModelOutsideTheKeysAllowlist_Is403AndNeverForwarded()
    {
        var account = await gateway.CreateAccountAsync(usd: 1m, spec: new ApiKeySpec("gpt only", AllowedModels: ["gpt-test"]));
        using var client = gateway.CreateClient(account.Key);
        var before = gateway.Upstream.CountFor("gemini-echo");

        using var refused = await client.PostAsync("v1/responses", Ask("gemini-test"));
        using var allowed = await client.PostAsync("v1/responses", Ask("gpt-test"));

        await OpenAIError.AssertAsync(refused, HttpStatusCode.Forbidden, "permission_error", "model_not_allowed");
        Assert.Equal(HttpStatusCode.OK, allowed.StatusCode);
        Assert.Equal(before, gateway.Upstream.CountFor("gemini-echo"));
        Assert.Equal(1_000_000 - GatewaySettings.EchoCostMicros(), await gateway.BalanceAsync(account));
        await gateway.AssertBooksBalanceAsync(account);
    }

    [Fact]
    public async Task PastTheKeysRequestsPerMinute_Is429WithRetryAfter_AndChargesOnlyTheServedRequest()
    {
        var account = await gateway.CreateAccountAsync(usd: 1m, spec: new ApiKeySpec("one a minute", Rpm: 1));
        using var client = gateway.CreateClient(account.Key);

        using var first = await client.PostAsync("v1/responses", Ask("gpt-test"));
        using var second = await client.PostAsync("v1/responses", Ask("gpt-test"));

        Assert.Equal(HttpStatusCode.OK, first.StatusCode);
        Assert.Equal("1", first.Headers.GetValues("x-ratelimit-limit-requests").Single());
        await OpenAIError.AssertAsync(second, HttpStatusCode.TooManyRequests, "rate_limit_error", "rate_limit_exceeded");
        Assert.Equal("0", second.Headers.GetValues("x-ratelimit-remaining-requests").Single());
        Assert.True(second.Headers.RetryAfter!.Delta!.Value >= TimeSpan.FromSeconds(1));
        Assert.Equal(1_000_000 - GatewaySettings.EchoCostMicros(), await gateway.BalanceAsync(account));
        await gateway.AssertBooksBalanceAsync(account);
    }
}
