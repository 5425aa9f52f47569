using System.Net;
using System.Text;
using System.Text.Json.Nodes;

namespace TokenPortal.Tests.Gateway;

/// <summary><c>/v1/messages</c>: Anthropic's schema in and out, routed to any provider, billed the same way.</summary>
public sealed class MessagesEndpointTests(GatewayFixture gateway) : IClassFixture<GatewayFixture>
{
    private HttpClient AnthropicClient(TestAccount account)
    {
        var client = gateway.CreateClient();
        client.DefaultRequestHeaders.Add("x-api-key", account.Key);
        client.DefaultRequestHeaders.Add("anthropic-version", "2023-06-01");
        return client;
    }

    private static StringContent Json(string body) => new(body, Encoding.UTF8, "application/json");

    [Fact]
    public async Task Message_ToAnOpenAIModel_AnswersInAnthropicShapeAndBillsExactly()
    {
        var account = await gateway.CreateAccountAsync(usd: 1m);
        using var client = AnthropicClient(account);

        using var response = await client.PostAsync("v1/messages", Json(
            """{"model":"gpt-test","max_tokens":100,"system":"Be brief.","messages":[{"role":"user","content":"Say hello"}]}"""));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var message = JsonNode.Parse(await response.Content.ReadAsStringAsync())!;
        Assert.Equal("message", message["type"]!.GetValue<string>());
        Assert.Equal("assistant", message["role"]!.GetValue<string>());
        Assert.Equal("gpt-test", message["model"]!.GetValue<string>());
        Assert.Equal(FakeUpstream.FullText, message["content"]![0]!["text"]!.GetValue<string>());
        Assert.Equal("end_turn", message["stop_reason"]!.GetValue<string>());
        Assert.Equal(32, message["usage"]!["input_tokens"]!.GetValue<int>());
        Assert.Equal(10, message["usage"]!["cache_read_input_tokens"]!.GetValue<int>());
        Assert.Equal(7, message["usage"]!["output_tokens"]!.GetValue<int>());
        Assert.Equal(GatewaySettings.EchoCostMicros() / 1_000_000m, message["usage"]!["cost"]!.GetValue<decimal>());
        Assert.Equal(1_000_000 - GatewaySettings.EchoCostMicros(), await gateway.BalanceAsync(account));

        var sent = gateway.Upstream.Received.Last(r => r.Model == "fake-echo").Body;
        Assert.Equal("system", sent["messages"]![0]!["role"]!.GetValue<string>());
        Assert.Equal(100, sent["max_tokens"]!.GetValue<int>());
        await gateway.AssertBooksBalanceAsync(account);
    }

    [Fact]
    public async Task Stream_ToAnOpenAIModel_FollowsAnthropicsEventSequence()
    {
        var account = await gateway.CreateAccountAsync(usd: 1m);
        using var client = AnthropicClient(account);

        using var response = await client.PostAsync("v1/messages", Json(
            """{"model":"gpt-test","max_tokens":100,"stream":true,"messages":[{"role":"user","content":"Say hello"}]}"""));
        var events = await SseData.ReadNamedAsync(response);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var names = events.Select(e => e.Event).ToList();
        Assert.Equal("message_start", names[0]);
        Assert.Equal("content_block_start", names[1]);
        Assert.Equal(Enumerable.Repeat("content_block_delta", FakeUpstream.Words.Length), names.Skip(2).Take(FakeUpstream.Words.Length));
        Assert.Equal(["content_block_stop", "message_delta", "message_stop"], names.TakeLast(3));
        Assert.All(events, e => Assert.Equal(e.Event, e.Data["type"]!.GetValue<string>()));
        Assert.Equal(FakeUpstream.FullText, string.Concat(events.Where(e => e.Event == "content_block_delta").Select(e => e.Data["delta"]!["text"]!.GetValue<string>())));
        var delta = events.Single(e => e.Event == "message_delta").Data;
        Assert.Equal("end_turn", delta["delta"]!["stop_reason"]!.GetValue<string>());
        Assert.Equal(7, delta["usage"]!["output_tokens"]!.GetValue<int>());
        Assert.Equal(32, delta["usage"]!["input_tokens"]!.GetValue<int>());
        Assert.Equal(1_000_000 - GatewaySettings.EchoCostMicros(), await gateway.BalanceAsync(account));
    }

    [Fact]
    public async Task Stream_ToAClaudeModelWithTools_YieldsToolUseBlocks()
    {
        var account = await gateway.CreateAccountAsync(usd: 1m);
        using var client = AnthropicClient(account);

        using var response = await client.PostAsync("v1/messages", Json("""
            {"model":"claude-tools","max_tokens":200,"stream":true,
             "tools":[{"name":"get_weather","description":"Weather","input_schema":{"type":"object","properties":{"city":{"type":"string"}}}}],
             "tool_choice":{"type":"auto"},
             "messages":[{"role":"user","content":[{"type":"text","text":"Weather in Paris?"}]}]}
            """));
        var events = await SseData.ReadNamedAsync(response);

        var starts = events.Where(e => e.Event == "content_block_start").Select(e => e.Data["content_block"]!).ToList();
        Assert.Equal(["text", "tool_use", "tool_use"], starts.Select(b => b["type"]!.GetValue<string>()));
        Assert.Equal("toolu_01Weather", starts[1]["id"]!.GetValue<string>());
        Assert.Equal("get_weather", starts[1]["name"]!.GetValue<string>());
        var weatherArguments = string.Concat(events.Where(e => e.Event == "content_block_delta" && e.Data["index"]!.GetValue<int>() == 1)
            .Select(e => e.Data["delta"]!["partial_json"]!.GetValue<string>()));
        Assert.Equal("Paris", JsonNode.Parse(weatherArguments)!["city"]!.GetValue<string>());
        Assert.Equal("tool_use", events.Single(e => e.Event == "message_delta").Data["delta"]!["stop_reason"]!.GetValue<string>());
        Assert.Equal(3, events.Count(e => e.Event == "content_block_stop"));
    }

    [Theory]
    [InlineData("toolu_1__gts_***not-base64***")] // looks like ours, is not: kept whole
    [InlineData("toolu_1__gts_")]                 // an empty signature
    [InlineData("toolu_1__gts_QUJD")]             // a forged signature: passed on, never a fault of ours
    public async Task ToolUseIds_AClientMadeUp_AreServedWithoutAFault_AndTheBooksAgree(string id)
    {
        var account = await gateway.CreateAccountAsync(usd: 1m);
        using var client = AnthropicClient(account);
        var body = $$$"""
            {"model":"gemini-test","max_tokens":50,"messages":[
              {"role":"user","content":"Weather?"},
              {"role":"assistant","content":[{"type":"tool_use","id":"{{{id}}}","name":"get_weather","input":{"city":"Paris"}}]},
              {"role":"user","content":[{"type":"tool_result","tool_use_id":"{{{id}}}","content":"Sunny"}]}]}
            """;

        using var response = await client.PostAsync("v1/messages", Json(body));

        Assert.True(response.StatusCode == HttpStatusCode.OK, await response.Content.ReadAsStringAsync());
        var sent = gateway.Upstream.Received.Last(r => r.Model == "gemini-echo").Body["contents"]!.AsArray();
        var parts = sent.SelectMany(c => c!["parts"]!.AsArray()).ToList();
        // The call and its result still pair up: the result is named after the call.
        Assert.Equal("get_weather", parts.Single(p => p!["functionResponse"] is not null)!["functionResponse"]!["name"]!.GetValue<string>());
        await gateway.AssertBooksBalanceAsync(account);
        await gateway.AssertAuditCleanAsync();
    }

    private const string WeatherSchema =
        """{"type":"object","properties":{"city":{"type":"string"},"sky":{"type":"string"},"celsius":{"type":"integer"}},"required":["city","sky","celsius"],"additionalProperties":false}""";

    [Theory]
    [InlineData("claude-test", "claude-echo")]
    [InlineData("gemini-test", "gemini-echo")]
    public async Task StructuredOutput_OutputConfigFormat_ReachesTheProviderInItsOwnShape_AndTheJsonComesBack(string model, string upstreamModel)
    {
        var account = await gateway.CreateAccountAsync(usd: 1m);
        using var client = AnthropicClient(account);

        using var response = await client.PostAsync("v1/messages", Json($$$"""
            {"model":"{{{model}}}","max_tokens":200,"output_config":{"format":{"type":"json_schema","schema":{{{WeatherSchema}}}}},
             "messages":[{"role":"user","content":"Weather in Paris as JSON"}]}
            """));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var message = JsonNode.Parse(await response.Content.ReadAsStringAsync())!;
        Assert.Equal("Paris", JsonNode.Parse(message["content"]![0]!["text"]!.GetValue<string>())!["city"]!.GetValue<string>());
        var sent = gateway.Upstream.Received.Last(r => r.Model == upstreamModel).Body;
        var schemaSent = upstreamModel.StartsWith("claude", StringComparison.Ordinal) ? sent["output_config"]!["format"]!["schema"] : sent["generationConfig"]!["responseSchema"];
        Assert.NotNull(schemaSent);
        if (upstreamModel.StartsWith("claude", StringComparison.Ordinal))
            Assert.True(JsonNode.DeepEquals(JsonNode.Parse(WeatherSchema), schemaSent), "Claude got another schema than the client sent");
        var cost = 1_000_000 - await gateway.BalanceAsync(account);
        Assert.True(cost > 0);
        Assert.Equal(cost, (await gateway.LogRowsAsync(account)).Single().CostMicros);
        await gateway.AssertBooksBalanceAsync(account);
    }

    [Fact]
    public async Task ToolResultTurn_IsSentUpstreamAsToolMessages()
    {
        var account = await gateway.CreateAccountAsync(usd: 1m);
        using var client = AnthropicClient(account);

        using var response = await client.PostAsync("v1/messages", Json("""
            {"model":"gpt-test","max_tokens":50,"metadata":{"user_id":"tool-turn"},
             "messages":[{"role":"user","content":"Weather?"},
                         {"role":"assistant","content":[{"type":"tool_use","id":"toolu_9","name":"get_weather","input":{"city":"Paris"}}]},
                         {"role":"user","content":[{"type":"tool_result","tool_use_id":"toolu_9","content":"21C"},{"type":"text","text":"And tomorrow?"}]}]}
            """));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var sent = gateway.Upstream.Received.Last(r => r.Body["user"]?.GetValue<string>() == "tool-turn").Body["messages"]!.AsArray();
        Assert.Equal(["user", "assistant", "tool", "user"], sent.Select(m => m!["role"]!.GetValue<string>()));
        Assert.Equal("toolu_9", sent[1]!["tool_calls"]![0]!["id"]!.GetValue<string>());
        Assert.Equal("Paris", JsonNode.Parse(sent[1]!["tool_calls"]![0]!["function"]!["arguments"]!.GetValue<string>())!["city"]!.GetValue<string>());
        Assert.Equal("toolu_9", sent[2]!["tool_call_id"]!.GetValue<string>());
        Assert.Equal("21C", sent[2]!["content"]!.GetValue<string>());
    }

    [Theory]
    [InlineData("""{"model":"gpt-test","messages":[{"role":"user","content":"hi"}]}""", 400, "invalid_request_error")]
    [InlineData("""{"model":"gpt-test","max_tokens":10,"messages":[]}""", 400, "invalid_request_error")]
    [InlineData("""{"model":"gpt-test","max_tokens":10,"messages":[{"role":"system","content":"hi"}]}""", 400, "invalid_request_error")]
    [InlineData("""{"model":"gpt-test","max_tokens":10,"messages":[{"role":"user","content":42}]}""", 400, "invalid_request_error")]
    [InlineData("""not json""", 400, "invalid_request_error")]
    [InlineData("""{"model":"gpt-test","max_tokens":10,"output_config":{"format":{"type":"json_object"}},"messages":[{"role":"user","content":"hi"}]}""", 400, "invalid_request_error")]
    [InlineData("""{"model":"gpt-test","max_tokens":10,"output_config":{"format":{"type":"json_schema"}},"messages":[{"role":"user","content":"hi"}]}""", 400, "invalid_request_error")]
    [InlineData("""{"model":"gpt-test","max_tokens":10,"output_config":"json","messages":[{"role":"user","content":"hi"}]}""", 400, "invalid_request_error")]
    [InlineData("""{"model":"nope","max_tokens":10,"messages":[{"role":"user","content":"hi"}]}""", 404, "not_found_error")]
    [InlineData("""{"model":"500","max_tokens":10,"messages":[{"role":"user","content":"hi"}]}""", 502, "api_error")]
    public async Task Errors_AreAnthropicShaped(string body, int status, string type)
    {
        var account = await gateway.CreateAccountAsync(usd: 1m);
        using var client = AnthropicClient(account);

        using var response = await client.PostAsync("v1/messages", Json(body));

        Assert.Equal(status, (int)response.StatusCode);
        var error = JsonNode.Parse(await response.Content.ReadAsStringAsync())!;
        Assert.Equal("error", error["type"]!.GetValue<string>());
        Assert.Equal(type, error["error"]!["type"]!.GetValue<string>());
        Assert.False(string.IsNullOrWhiteSpace(error["error"]!["message"]!.GetValue<string>()));
        Assert.Equal(1_000_000, await gateway.BalanceAsync(account));
    }

    [Fact]
    public async Task MissingKey_Is401InAnthropicShape_AndBearerWorksToo()
    {
        var account = await gateway.CreateAccountAsync(usd: 1m);
        using var anonymous = gateway.CreateClient();
        using var bearer = gateway.CreateClient(account.Key);
        const string body = """{"model":"gpt-test","max_tokens":10,"messages":[{"role":"user","content":"hi"}]}""";

        using var refused = await anonymous.PostAsync("api/v1/messages", Json(body));
        using var accepted = await bearer.PostAsync("api/v1/messages", Json(body));

        Assert.Equal(HttpStatusCode.Unauthorized, refused.StatusCode);
        Assert.Equal("authentication_error", JsonNode.Parse(await refused.Content.ReadAsStringAsync())!["error"]!["type"]!.GetValue<string>());
        Assert.Equal(HttpStatusCode.OK, accepted.StatusCode);
    }

    [Fact]
    public async Task EmptyBalance_Is402BillingError()
    {
        var account = await gateway.CreateAccountAsync(usd: 0m);
        using var client = AnthropicClient(account);

        using var response = await client.PostAsync("v1/messages", Json("""{"model":"gpt-test","max_tokens":10,"messages":[{"role":"user","content":"hi"}]}"""));

        Assert.Equal(HttpStatusCode.PaymentRequired, response.StatusCode);
        Assert.Equal("billing_error", JsonNode.Parse(await response.Content.ReadAsStringAsync())!["error"]!["type"]!.GetValue<string>());
    }
}
