using System.Net;
using System.Text;
using System.Text.Json.Nodes;

namespace TokenPortal.Tests.Gateway;

/// <summary>A 200 is never free: whatever part of the usage a provider leaves out is counted locally, billed and marked.</summary>
public sealed class UnreportedUsageTests(GatewayFixture gateway) : IClassFixture<GatewayFixture>
{
    [Theory]
    [InlineData("no-usage", false, null)]
    [InlineData("no-usage", true, null)]
    [InlineData("claude-no-usage", false, null)]
    [InlineData("claude-no-usage", true, null)]
    [InlineData("claude-partial", false, 55)]
    [InlineData("claude-partial", true, 55)]
    [InlineData("gemini-no-usage", false, null)]
    [InlineData("gemini-no-usage", true, null)]
    [InlineData("gemini-partial", false, 40)]
    [InlineData("gemini-partial", true, 40)]
    public async Task UsageMissingOrPartial_IsCompletedByALocalCount_BilledAndMarkedEstimated(string model, bool stream, int? reportedPrompt)
    {
        var account = await gateway.CreateAccountAsync(usd: 1m);
        using var client = gateway.CreateClient(account.Key);

        using var response = await client.PostAsync("v1/chat/completions", ChatExchange.Request(model, stream));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var usage = await ChatExchange.UsageAsync(response, stream);
        var row = Assert.Single(await gateway.LogRowsAsync(account));
        Assert.True(row.UsageEstimated);
        // Every answer here has text ("Hello! It is sunny in Paris.", "Hello from Gemini.", "Hello there, general Kenobi! Bye").
        Assert.InRange(row.CompletionTokens, 4, 12);
        if (reportedPrompt is { } prompt)
            Assert.Equal(prompt, row.PromptTokens);
        else
            Assert.InRange(row.PromptTokens, 10, 40);
        Assert.True(row.CostMicros > 0);
        Assert.Equal(row.PromptTokens, usage["prompt_tokens"]!.GetValue<int>());
        Assert.Equal(row.CompletionTokens, usage["completion_tokens"]!.GetValue<int>());
        Assert.Equal(row.CostMicros / 1_000_000m, usage["cost"]!.GetValue<decimal>());
        Assert.Equal(1_000_000 - row.CostMicros, await gateway.BalanceAsync(account));
        await gateway.AssertBooksBalanceAsync(account);
    }

    [Fact]
    public async Task APromptOfSpecialTokenText_IsCountedAndBilledAsTheTextItIs()
    {
        // "<|endoftext|>" in a message is text to the provider. Counted as one token each (as the tokenizer library
        // counts it), a prompt stuffed with it would be billed a fraction of what it sent.
        var account = await gateway.CreateAccountAsync(usd: 1m);
        using var client = gateway.CreateClient(account.Key);
        var library = Microsoft.ML.Tokenizers.TiktokenTokenizer.CreateForEncoding("o200k_base");
        var perRepeat = library.CountTokens(" <|") + library.CountTokens("endoftext") + library.CountTokens("|>");
        var prompt = string.Concat(Enumerable.Repeat(" <|endoftext|>", 200));
        var body = new JsonObject
        {
            ["model"] = "no-usage",
            ["messages"] = new JsonArray(new JsonObject { ["role"] = "user", ["content"] = prompt }),
        };

        using var response = await client.PostAsync("v1/chat/completions", new StringContent(body.ToJsonString(), Encoding.UTF8, "application/json"));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var row = Assert.Single(await gateway.LogRowsAsync(account));
        Assert.True(row.UsageEstimated);
        Assert.True(perRepeat >= 3, $"{perRepeat} tokens per repeat");
        Assert.InRange(row.PromptTokens, 200 * perRepeat, 200 * perRepeat + 40);
        Assert.Equal(1_000_000 - row.CostMicros, await gateway.BalanceAsync(account));
        await gateway.AssertBooksBalanceAsync(account);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task ReasoningModelWithoutUsage_IsBilledItsWholeOutputBound(bool stream)
    {
        // Its thinking is billed by the provider but never seen: all 300 output tokens it was allowed may have gone there.
        var account = await gateway.CreateAccountAsync(usd: 1m);
        using var client = gateway.CreateClient(account.Key);

        using var response = await client.PostAsync("v1/chat/completions", ChatExchange.Request("reasoning-no-usage", stream, maxTokens: 300));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var row = Assert.Single(await gateway.LogRowsAsync(account));
        Assert.True(row.UsageEstimated);
        Assert.Equal(300, row.CompletionTokens);
        Assert.Equal(300, (await ChatExchange.UsageAsync(response, stream))["completion_tokens"]!.GetValue<int>());
        Assert.Equal(1_000_000 - row.CostMicros, await gateway.BalanceAsync(account));
    }
}

/// <summary>The operator's promise that answers without reported usage are free (<c>Billing:UnreportedUsage=Free</c>).</summary>
public sealed class UnreportedUsageFreeTests(UnreportedUsageFreeTests.FreeFixture gateway) : IClassFixture<UnreportedUsageFreeTests.FreeFixture>
{
    public sealed class FreeFixture : GatewayFixture
    {
        protected override void Configure(Dictionary<string, string?> settings) => settings["TokenPortal:Billing:UnreportedUsage"] = "Free";
    }

    [Theory]
    [InlineData("no-usage", false)]
    [InlineData("claude-no-usage", true)]
    [InlineData("gemini-no-usage", false)]
    public async Task NoUsageReported_ChargesNothing_ButTheLogRecordsTheEstimate(string model, bool stream)
    {
        var account = await gateway.CreateAccountAsync(usd: 1m);
        using var client = gateway.CreateClient(account.Key);

        using var response = await client.PostAsync("v1/chat/completions", ChatExchange.Request(model, stream));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(0m, (await ChatExchange.UsageAsync(response, stream))["cost"]!.GetValue<decimal>());
        var row = Assert.Single(await gateway.LogRowsAsync(account));
        Assert.True(row.UsageEstimated);
        Assert.True(row.PromptTokens > 0 && row.CompletionTokens > 0);
        Assert.Equal(0, row.CostMicros);
        Assert.Equal(1_000_000, await gateway.BalanceAsync(account));
        await gateway.AssertBooksBalanceAsync(account);
    }

    [Fact]
    public async Task PartUsageReported_ChargesOnlyWhatTheProviderReported()
    {
        var account = await gateway.CreateAccountAsync(usd: 1m);
        using var client = gateway.CreateClient(account.Key);

        using var response = await client.PostAsync("v1/chat/completions", ChatExchange.Request("claude-partial", stream: true));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var row = Assert.Single(await gateway.LogRowsAsync(account));
        // 30 input at $3/M, 5 cache writes at $3.75/M (1.25x input), 20 cache reads at $0.30/M: 114.75, so 115 micro-USD; the estimated output is free.
        Assert.Equal(115, row.CostMicros);
        Assert.True(row.CompletionTokens > 0);
    }
}
