using System.Net;
using System.Text;
using System.Text.Json.Nodes;
using TokenPortal.Core.Data.Entities;

namespace TokenPortal.Tests.Gateway;

/// <summary>
/// Anthropic prompt caching through the gateway: <c>cache_control</c> markers reach Anthropic from both entry points and
/// are dropped for other providers; cache reads and 5-minute and 1-hour writes are billed at their own prices, to the
/// micro-USD; a request that may write its whole prompt to the dearest cache never spends more than the balance.
/// </summary>
public sealed class PromptCachingTests(GatewayFixture gateway) : IClassFixture<GatewayFixture>
{
    // claude-cache reports 30 plain input tokens, 2,000 cache reads, 101 written to the 5-minute cache, 200 to the 1-hour
    // cache and 12 out. claude-* list prices (USD per million): input 3, cache reads 0.3, output 15; writes default to
    // 1.25x input (3.75) for 5 minutes and 2x (6) for an hour. In micro-USD: 30 x 3 + 2000 x 0.3 + 101 x 3.75 + 200 x 6
    // + 12 x 15 = 90 + 600 + 378.75 + 1200 + 180 = 2448.75, rounded up once: 2449.
    private const long CacheCost = 2449;

    private static StringContent Json(string body) => new(body.Replace("@HOUR@", Hour).Replace("@EPH@", Ephemeral), Encoding.UTF8, "application/json");

    private HttpClient AnthropicClient(TestAccount account)
    {
        var client = gateway.CreateClient();
        client.DefaultRequestHeaders.Add("x-api-key", account.Key);
        client.DefaultRequestHeaders.Add("anthropic-version", "2023-06-01");
        return client;
    }

    private const string Ephemeral = """{"type":"ephemeral"}""";
    private const string Hour = """{"type":"ephemeral","ttl":"1h"}""";

    [Fact]
    public async Task Messages_CacheControlOnSystemContentToolsAndToolResults_ReachesAnthropicAsSent()
    {
        var account = await gateway.CreateAccountAsync(usd: 1m);
        using var client = AnthropicClient(account);

        using var response = await client.PostAsync("v1/messages", Json("""
            {"model":"claude-test","max_tokens":100,
             "system":[{"type":"text","text":"You are a weather bot."},{"type":"text","text":"Long reference text.","cache_control":@HOUR@}],
             "tools":[{"name":"get_weather","input_schema":{"type":"object","properties":{"city":{"type":"string"}}},"cache_control":@EPH@}],
             "messages":[
               {"role":"user","content":[{"type":"text","text":"Weather in Paris?","cache_control":@EPH@}]},
               {"role":"assistant","content":[{"type":"tool_use","id":"toolu_1","name":"get_weather","input":{"city":"Paris"},"cache_control":@EPH@}]},
               {"role":"user","content":[{"type":"tool_result","tool_use_id":"toolu_1","content":"Sunny","cache_control":@HOUR@},{"type":"text","text":"Thanks"}]}]}
            """));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var sent = gateway.Upstream.Received.Last(r => r.Model == "claude-echo").Body;
        var system = sent["system"]!.AsArray();
        Assert.Equal("You are a weather bot.", system[0]!["text"]!.GetValue<string>());
        Assert.Null(system[0]!["cache_control"]);
        Assert.True(JsonNode.DeepEquals(JsonNode.Parse(Hour), system[1]!["cache_control"]));
        Assert.True(JsonNode.DeepEquals(JsonNode.Parse(Ephemeral), sent["tools"]![0]!["cache_control"]));
        var messages = sent["messages"]!.AsArray();
        Assert.True(JsonNode.DeepEquals(JsonNode.Parse(Ephemeral), messages[0]!["content"]![0]!["cache_control"]));
        Assert.True(JsonNode.DeepEquals(JsonNode.Parse(Ephemeral), messages[1]!["content"]![0]!["cache_control"]));
        var toolResult = messages[2]!["content"]![0]!;
        Assert.Equal("tool_result", toolResult["type"]!.GetValue<string>());
        Assert.True(JsonNode.DeepEquals(JsonNode.Parse(Hour), toolResult["cache_control"]));
        Assert.Null(messages[2]!["content"]![1]!["cache_control"]);
    }

    [Fact]
    public async Task Chat_OpenRouterStyleCacheControlParts_ReachAnthropicOnTheirBlocks()
    {
        var account = await gateway.CreateAccountAsync(usd: 1m);
        using var client = gateway.CreateClient(account.Key);

        using var response = await client.PostAsync("v1/chat/completions", Json("""
            {"model":"claude-test","messages":[
               {"role":"system","content":[{"type":"text","text":"Be brief."},{"type":"text","text":"A long book.","cache_control":@HOUR@}]},
               {"role":"user","content":[{"type":"text","text":"Summarise it.","cache_control":@EPH@},{"type":"text","text":"Please."}]}],
             "tools":[{"type":"function","function":{"name":"lookup","parameters":{"type":"object","properties":{}}},"cache_control":@EPH@}]}
            """));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var sent = gateway.Upstream.Received.Last(r => r.Model == "claude-echo").Body;
        var system = sent["system"]!.AsArray();
        Assert.Equal(2, system.Count);
        Assert.Equal("A long book.", system[1]!["text"]!.GetValue<string>());
        Assert.True(JsonNode.DeepEquals(JsonNode.Parse(Hour), system[1]!["cache_control"]));
        var user = sent["messages"]![0]!["content"]!.AsArray();
        Assert.True(JsonNode.DeepEquals(JsonNode.Parse(Ephemeral), user[0]!["cache_control"]));
        Assert.Null(user[1]!["cache_control"]);
        Assert.True(JsonNode.DeepEquals(JsonNode.Parse(Ephemeral), sent["tools"]![0]!["cache_control"]));
    }

    [Theory]
    [InlineData("gpt-test", "fake-echo")]
    [InlineData("gemini-test", "gemini-echo")]
    public async Task Chat_CacheControlForAnotherProvider_IsDroppedNotFailed(string model, string upstream)
    {
        var account = await gateway.CreateAccountAsync(usd: 1m);
        using var client = gateway.CreateClient(account.Key);

        using var response = await client.PostAsync("v1/chat/completions", Json("""
            {"model":"@MODEL@","cache_control":@EPH@,"messages":[
               {"role":"system","content":[{"type":"text","text":"Be brief.","cache_control":@HOUR@}]},
               {"role":"user","content":[{"type":"text","text":"Hi","cache_control":@EPH@}],"cache_control":@EPH@}],
             "tools":[{"type":"function","function":{"name":"lookup","parameters":{"type":"object","properties":{"q":{"type":"string"}}}},"cache_control":@EPH@}]}
            """.Replace("@MODEL@", model)));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var sent = gateway.Upstream.Received.Last(r => r.Model == upstream).Body;
        Assert.DoesNotContain("cache_control", sent.ToJsonString());
        Assert.Contains("Be brief.", sent.ToJsonString());
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task Chat_CacheReadsAndWrites_AreBilledAtTheirOwnPricesExactly(bool stream)
    {
        var account = await gateway.CreateAccountAsync(usd: 1m);
        using var client = gateway.CreateClient(account.Key);

        using var response = await client.PostAsync("v1/chat/completions", ChatExchange.Request("claude-cache", stream));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var usage = await ChatExchange.UsageAsync(response, stream);
        Assert.Equal(30 + 2000 + 301, usage["prompt_tokens"]!.GetValue<int>());
        Assert.Equal(12, usage["completion_tokens"]!.GetValue<int>());
        Assert.Equal(2000, usage["prompt_tokens_details"]!["cached_tokens"]!.GetValue<int>());
        Assert.Equal(301, usage["prompt_tokens_details"]!["cache_creation_tokens"]!.GetValue<int>());
        Assert.Equal(200, usage["prompt_tokens_details"]!["cache_creation_1h_tokens"]!.GetValue<int>());
        Assert.Equal(CacheCost / 1_000_000m, usage["cost"]!.GetValue<decimal>());
        Assert.Equal(1_000_000 - CacheCost, await gateway.BalanceAsync(account));
        Assert.Equal(CacheCost, Assert.Single(await gateway.LogRowsAsync(account)).CostMicros);
        await gateway.AssertBooksBalanceAsync(account);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task Messages_ReportCacheUsageInAnthropicsShape(bool stream)
    {
        var account = await gateway.CreateAccountAsync(usd: 1m);
        using var client = AnthropicClient(account);

        using var response = await client.PostAsync("v1/messages", Json("""
            {"model":"claude-cache","max_tokens":100,"stream":@STREAM@,"messages":[{"role":"user","content":"Hi"}]}
            """.Replace("@STREAM@", stream ? "true" : "false")));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var body = await response.Content.ReadAsStringAsync();
        var usage = stream
            ? body.Split('\n').Where(l => l.StartsWith("data: {", StringComparison.Ordinal)).Select(l => JsonNode.Parse(l[6..])!)
                .Single(e => e["type"]!.GetValue<string>() == "message_delta")["usage"]!
            : JsonNode.Parse(body)!["usage"]!;
        Assert.Equal(30, usage["input_tokens"]!.GetValue<int>());
        Assert.Equal(2000, usage["cache_read_input_tokens"]!.GetValue<int>());
        Assert.Equal(301, usage["cache_creation_input_tokens"]!.GetValue<int>());
        Assert.Equal(101, usage["cache_creation"]!["ephemeral_5m_input_tokens"]!.GetValue<int>());
        Assert.Equal(200, usage["cache_creation"]!["ephemeral_1h_input_tokens"]!.GetValue<int>());
        Assert.Equal(12, usage["output_tokens"]!.GetValue<int>());
        Assert.Equal(1_000_000 - CacheCost, await gateway.BalanceAsync(account));
    }

    /// <summary>A request that writes its whole prompt to the 1-hour cache and generates every token it was allowed (claude-cache-all).</summary>
    private static StringContent WholePromptToTheHourCache(string text) => Json("""
        {"model":"claude-cache-all","max_tokens":1024,"messages":[{"role":"user","content":[{"type":"text","text":@TEXT@,"cache_control":@HOUR@}]}]}
        """.Replace("@TEXT@", JsonValue.Create(text).ToJsonString()));

    private static string LongPrompt => string.Join(' ', Enumerable.Range(0, 100).Select(i => $"word{i}"));

    [Fact]
    public async Task BalanceAtTheBoundary_AWholePromptWrittenToTheHourCacheStillFitsTheReservation()
    {
        // 5,000 micro-USD: the request's 1,024 output tokens alone would cost 15,360, so the gateway lowers max_tokens until
        // the worst case, with every prompt token at the 1-hour write price (6), fits. Priced at the input price (3),
        // it would allow more output than the balance can pay once the prompt is billed as a 1-hour write.
        var account = await gateway.CreateAccountAsync(usd: 0.005m);
        using var client = gateway.CreateClient(account.Key);

        using var response = await client.PostAsync("v1/chat/completions", WholePromptToTheHourCache(LongPrompt));

        Assert.True(response.StatusCode == HttpStatusCode.OK, await response.Content.ReadAsStringAsync());
        var sent = gateway.Upstream.Received.Last(r => r.Model == "claude-cache-all").Body;
        var maxTokens = sent["max_tokens"]!.GetValue<int>();
        Assert.InRange(maxTokens, 16, 1023);
        var usage = JsonNode.Parse(await response.Content.ReadAsStringAsync())!["usage"]!;
        var prompt = usage["prompt_tokens"]!.GetValue<int>();
        Assert.Equal(prompt, usage["prompt_tokens_details"]!["cache_creation_1h_tokens"]!.GetValue<int>());
        Assert.Equal(maxTokens, usage["completion_tokens"]!.GetValue<int>());
        // Exactly the tokens at their prices, within the balance: nothing written off, nothing over.
        var expected = (prompt * 6_000_000L + maxTokens * 15_000_000L + 999_999) / 1_000_000;
        Assert.True(expected <= 5_000, $"charged {expected} of 5,000");
        Assert.Equal(5_000 - expected, await gateway.BalanceAsync(account));
        var entries = await gateway.LedgerEntriesAsync(account);
        Assert.DoesNotContain(entries, e => e.Kind == LedgerEntryKind.WriteOff);
        Assert.Equal(0, Assert.Single(await gateway.LogRowsAsync(account)).WrittenOffMicros);
        await gateway.AssertBooksBalanceAsync(account);
    }

    [Fact]
    public async Task ConcurrentHourCacheWriters_NeverSpendMoreThanTheBalance()
    {
        var account = await gateway.CreateAccountAsync(usd: 0.02m);
        using var client = gateway.CreateClient(account.Key);

        var responses = await Task.WhenAll(Enumerable.Range(0, 12).Select(_ => client.PostAsync("v1/chat/completions", WholePromptToTheHourCache(LongPrompt))));

        Assert.All(responses, r => Assert.Contains(r.StatusCode, new[] { HttpStatusCode.OK, HttpStatusCode.PaymentRequired }));
        Assert.Contains(responses, r => r.StatusCode == HttpStatusCode.OK);
        var entries = await gateway.LedgerEntriesAsync(account);
        Assert.DoesNotContain(entries, e => e.Kind == LedgerEntryKind.WriteOff);
        var rows = await gateway.LogRowsAsync(account);
        Assert.All(rows, r => Assert.Equal(0, r.WrittenOffMicros));
        var balance = await gateway.BalanceAsync(account);
        Assert.True(balance >= 0);
        Assert.Equal(20_000 - rows.Sum(r => r.CostMicros), balance);
        foreach (var response in responses)
            response.Dispose();
        await gateway.AssertBooksBalanceAsync(account);
    }
}
