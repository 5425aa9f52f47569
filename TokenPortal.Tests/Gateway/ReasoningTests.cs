using System.Net;
using System.Text;
using System.Text.Json.Nodes;

namespace TokenPortal.Tests.Gateway;

/// <summary>
/// Reasoning across providers through <c>/v1/chat/completions</c>: <c>reasoning_effort</c> and OpenRouter's <c>reasoning</c>
/// become Anthropic's <c>thinking</c> and Gemini's <c>thinkingConfig</c>; the thinking comes back as <c>reasoning_content</c>
/// with its signatures, which a tool loop sends back for the provider to check; the thoughts are billed as output.
/// </summary>
public sealed class ReasoningTests(GatewayFixture gateway) : IClassFixture<GatewayFixture>
{
    private static StringContent Json(string body) => new(body, Encoding.UTF8, "application/json");

    private const string Tools = """[{"type":"function","function":{"name":"get_weather","parameters":{"type":"object","properties":{"city":{"type":"string"}}}}}]""";

    private async Task<JsonObject> SentAfterAsync(TestAccount account, string body, string upstream)
    {
        using var client = gateway.CreateClient(account.Key);
        using var response = await client.PostAsync("v1/chat/completions", Json(body));
        Assert.True(response.StatusCode == HttpStatusCode.OK, await response.Content.ReadAsStringAsync());
        return gateway.Upstream.Received.Last(r => r.Model == upstream).Body;
    }

    [Fact]
    public async Task ReasoningEffort_ToAnthropic_IsAThinkingBudgetBelowMaxTokensAndDropsTheTemperature()
    {
        var account = await gateway.CreateAccountAsync(usd: 1m);

        var sent = await SentAfterAsync(account,
            """{"model":"claude-test","max_tokens":3000,"temperature":0.2,"reasoning_effort":"high","messages":[{"role":"user","content":"Think."}]}""", "claude-echo");

        // high is 16,384 tokens, kept below the 3,000 the request may generate.
        Assert.Equal("""{"type":"enabled","budget_tokens":2999}""", sent["thinking"]!.ToJsonString());
        Assert.Equal(3000, sent["max_tokens"]!.GetValue<int>());
        Assert.Null(sent["temperature"]);
    }

    [Theory]
    [InlineData("""{"max_tokens":2048}""", 2048)]
    [InlineData("""{"effort":"low"}""", 1024)]
    [InlineData("""{"effort":"medium"}""", 4096)]
    public async Task OpenRoutersReasoningObject_ToAnthropic_SetsTheBudget(string reasoning, int budget)
    {
        var account = await gateway.CreateAccountAsync(usd: 1m);

        var sent = await SentAfterAsync(account,
            $$"""{"model":"claude-test","max_tokens":8000,"reasoning":{{reasoning}},"messages":[{"role":"user","content":"Think."}]}""", "claude-echo");

        Assert.Equal(budget, sent["thinking"]!["budget_tokens"]!.GetValue<int>());
    }

    [Fact]
    public async Task ReasoningEffort_WithTooFewOutputTokensForAnthropicsLeastBudget_AnswersWithoutThinking()
    {
        var account = await gateway.CreateAccountAsync(usd: 1m);

        var sent = await SentAfterAsync(account,
            """{"model":"claude-test","max_tokens":500,"reasoning_effort":"low","messages":[{"role":"user","content":"Think."}]}""", "claude-echo");

        Assert.Null(sent["thinking"]);
    }

    [Fact]
    public async Task ToolLoopWhoseClientDroppedTheThinking_ToAnthropic_IsAnsweredWithoutThinkingNotRefused()
    {
        var account = await gateway.CreateAccountAsync(usd: 1m);

        // What a client that keeps only OpenAI's fields sends back: the tool call without its reasoning_details.
        var sent = await SentAfterAsync(account, $$$"""
            {"model":"claude-test","max_tokens":4000,"reasoning_effort":"medium","tools":{{{Tools}}},"messages":[
              {"role":"user","content":"Weather in Paris?"},
              {"role":"assistant","content":null,"tool_calls":[{"id":"toolu_1","type":"function","function":{"name":"get_weather","arguments":"{\"city\":\"Paris\"}"}}]},
              {"role":"tool","tool_call_id":"toolu_1","content":"Sunny"}]}
            """, "claude-echo");

        Assert.Null(sent["thinking"]);
        Assert.Equal("tool_use", sent["messages"]![1]!["content"]![0]!["type"]!.GetValue<string>());
    }

    [Fact]
    public async Task UnknownReasoningEffort_IsAClear400AndCostsNothing()
    {
        var account = await gateway.CreateAccountAsync(usd: 1m);
        using var client = gateway.CreateClient(account.Key);

        using var response = await client.PostAsync("v1/chat/completions",
            Json("""{"model":"claude-test","reasoning_effort":"extreme","messages":[{"role":"user","content":"Think."}]}"""));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains("extreme", await response.Content.ReadAsStringAsync());
        Assert.Equal(1_000_000, await gateway.BalanceAsync(account));
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task AnthropicToolLoop_ThinkingComesBackWithItsSignatureAndIsSentBackBeforeTheToolUse(bool stream)
    {
        var account = await gateway.CreateAccountAsync(usd: 1m);
        using var client = gateway.CreateClient(account.Key);
        var ask = $$"""{"model":"claude-thinking","max_tokens":4000,"reasoning_effort":"medium","stream":{{(stream ? "true" : "false")}},"stream_options":{{(stream ? """{"include_usage":true}""" : "null")}},"tools":{{Tools}},"messages":[{"role":"user","content":"Weather in Paris?"}]}""";

        using var first = await client.PostAsync("v1/chat/completions", Json(ask));

        Assert.True(first.StatusCode == HttpStatusCode.OK, await first.Content.ReadAsStringAsync());
        var assistant = stream ? Assemble(await first.Content.ReadAsStringAsync()) : JsonNode.Parse(await first.Content.ReadAsStringAsync())!["choices"]![0]!["message"]!.AsObject();
        Assert.Equal("The user wants the weather in Paris. I should call get_weather.", assistant["reasoning_content"]!.GetValue<string>());
        Assert.Equal(FakeUpstream.ThinkingSignature, assistant["reasoning_details"]![0]!["signature"]!.GetValue<string>());
        var call = assistant["tool_calls"]![0]!;
        Assert.Equal("toolu_01Think", call["id"]!.GetValue<string>());
        // Anthropic bills the thinking inside its 96 output tokens without a count of it: the gateway counts the thinking text.
        var usage = await ChatExchange.UsageAsync(first, stream);
        Assert.Equal(96, usage["completion_tokens"]!.GetValue<int>());
        Assert.InRange(usage["completion_tokens_details"]!["reasoning_tokens"]!.GetValue<int>(), 10, 20);
        Assert.Equal((480 * 3 + 96 * 15) / 1_000_000m, usage["cost"]!.GetValue<decimal>());

        // The client sends its assistant message back as it got it, with the tool's result.
        var next = JsonNode.Parse(ask)!.AsObject();
        next["stream"] = false;
        next["stream_options"] = null;
        next["messages"]!.AsArray().Add(assistant.DeepClone());
        next["messages"]!.AsArray().Add(new JsonObject { ["role"] = "tool", ["tool_call_id"] = "toolu_01Think", ["content"] = "Sunny" });
        using var second = await client.PostAsync("v1/chat/completions", Json(next.ToJsonString()));

        Assert.True(second.StatusCode == HttpStatusCode.OK, await second.Content.ReadAsStringAsync());
        Assert.Equal("Hello! It is sunny in Paris.", JsonNode.Parse(await second.Content.ReadAsStringAsync())!["choices"]![0]!["message"]!["content"]!.GetValue<string>());
        var sent = gateway.Upstream.Received.Last(r => r.Model == "claude-thinking").Body;
        var blocks = sent["messages"]![1]!["content"]!.AsArray();
        Assert.Equal(["thinking", "tool_use"], blocks.Select(b => b!["type"]!.GetValue<string>()));
        await gateway.AssertBooksBalanceAsync(account);
    }

    [Fact]
    public async Task ReasoningEffort_ToGemini_IsAThinkingBudgetWithThoughtsIncluded()
    {
        var account = await gateway.CreateAccountAsync(usd: 1m);

        var sent = await SentAfterAsync(account,
            """{"model":"gemini-test","max_tokens":8000,"reasoning_effort":"medium","messages":[{"role":"user","content":"Think."}]}""", "gemini-echo");

        Assert.Equal("""{"thinkingBudget":4096,"includeThoughts":true}""", sent["generationConfig"]!["thinkingConfig"]!.ToJsonString());
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task GeminiToolLoop_ThoughtsAreReasoningContentBilledAsOutputAndTheSignatureGoesBack(bool stream)
    {
        var account = await gateway.CreateAccountAsync(usd: 1m);
        using var client = gateway.CreateClient(account.Key);
        var ask = $$"""{"model":"gemini-thinking","reasoning_effort":"low","stream":{{(stream ? "true" : "false")}},"stream_options":{{(stream ? """{"include_usage":true}""" : "null")}},"tools":{{Tools}},"messages":[{"role":"user","content":"Weather in Paris?"}]}""";

        using var first = await client.PostAsync("v1/chat/completions", Json(ask));

        Assert.True(first.StatusCode == HttpStatusCode.OK, await first.Content.ReadAsStringAsync());
        var body = await first.Content.ReadAsStringAsync();
        var assistant = stream ? Assemble(body) : JsonNode.Parse(body)!["choices"]![0]!["message"]!.AsObject();
        Assert.StartsWith("**Checking the weather**", assistant["reasoning_content"]!.GetValue<string>());
        Assert.Equal(FakeUpstream.GeminiThoughtSignature, assistant["tool_calls"]![0]!["extra_content"]!["google"]!["thought_signature"]!.GetValue<string>());
        var usage = stream
            ? body.Split('\n').Where(l => l.StartsWith("data: {", StringComparison.Ordinal)).Select(l => JsonNode.Parse(l[6..])!).Last(e => e["usage"] is JsonObject)["usage"]!
            : JsonNode.Parse(body)!["usage"]!;
        // 20 answer tokens and 50 thought tokens, all output: 90 x 1 + 70 x 4 = 370 micro-USD.
        Assert.Equal(70, usage["completion_tokens"]!.GetValue<int>());
        Assert.Equal(50, usage["completion_tokens_details"]!["reasoning_tokens"]!.GetValue<int>());
        Assert.Equal(0.00037m, usage["cost"]!.GetValue<decimal>());
        Assert.Equal(1_000_000 - 370, await gateway.BalanceAsync(account));

        var next = JsonNode.Parse(ask)!.AsObject();
        next["stream"] = false;
        next["stream_options"] = null;
        next["messages"]!.AsArray().Add(assistant.DeepClone());
        next["messages"]!.AsArray().Add(new JsonObject { ["role"] = "tool", ["tool_call_id"] = assistant["tool_calls"]![0]!["id"]!.GetValue<string>(), ["content"] = "Sunny" });
        using var second = await client.PostAsync("v1/chat/completions", Json(next.ToJsonString()));

        Assert.True(second.StatusCode == HttpStatusCode.OK, await second.Content.ReadAsStringAsync());
        var sent = gateway.Upstream.Received.Last(r => r.Model == "gemini-thinking").Body;
        Assert.Equal(FakeUpstream.GeminiThoughtSignature, sent["contents"]![1]!["parts"]!.AsArray().Single(p => p!["functionCall"] is not null)!["thoughtSignature"]!.GetValue<string>());
    }

    /// <summary>A streamed answer as the assistant message a client builds of it: content, reasoning, reasoning details and tool calls joined.</summary>
    private static JsonObject Assemble(string sse)
    {
        var content = new StringBuilder();
        var reasoning = new StringBuilder();
        var details = new JsonArray();
        var calls = new SortedDictionary<int, JsonObject>();
        foreach (var line in sse.Split('\n').Where(l => l.StartsWith("data: {", StringComparison.Ordinal)))
        {
            var delta = JsonNode.Parse(line[6..])!["choices"]?.AsArray().FirstOrDefault()?["delta"];
            if (delta is null)
                continue;
            content.Append(delta["content"]?.GetValue<string>());
            reasoning.Append(delta["reasoning_content"]?.GetValue<string>());
            foreach (var detail in delta["reasoning_details"] as JsonArray ?? [])
                details.Add(detail!.DeepClone());
            foreach (var call in delta["tool_calls"] as JsonArray ?? [])
            {
                var index = call!["index"]!.GetValue<int>();
                if (!calls.TryGetValue(index, out var built))
                {
                    calls[index] = built = new JsonObject { ["id"] = call["id"]!.GetValue<string>(), ["type"] = "function", ["function"] = new JsonObject { ["name"] = call["function"]!["name"]!.GetValue<string>(), ["arguments"] = "" } };
                    if (call["extra_content"] is { } extra)
                        built["extra_content"] = extra.DeepClone();
                }
                built["function"]!["arguments"] = built["function"]!["arguments"]!.GetValue<string>() + call["function"]?["arguments"]?.GetValue<string>();
            }
        }
        var message = new JsonObject { ["role"] = "assistant", ["content"] = content.ToString(), ["reasoning_content"] = reasoning.ToString() };
        if (details.Count > 0)
            message["reasoning_details"] = details;
        if (calls.Count > 0)
            message["tool_calls"] = new JsonArray(calls.Values.Select(c => (JsonNode?)c).ToArray());
        return message;
    }
}
