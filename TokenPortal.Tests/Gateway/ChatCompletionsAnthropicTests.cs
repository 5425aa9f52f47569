using System.ClientModel;
using System.Net;
using System.Text;
using System.Text.Json.Nodes;
using OpenAI;
using OpenAI.Chat;

namespace TokenPortal.Tests.Gateway;

/// <summary>The official OpenAI SDK against claude-backed models: converted both ways, billed exactly.</summary>
public sealed class ChatCompletionsAnthropicTests(GatewayFixture gateway) : IClassFixture<GatewayFixture>
{
    // 30 plain prompt tokens at 3 USD/M + 5 cache writes at 3.75 (1.25x input) + 20 cache reads at 0.3 + 12 out at 15:
    // 90 + 18.75 + 6 + 180 = 294.75, rounded up once to 295 micro-USD.
    private const long ClaudeEchoCost = 295;

    // The structured answer: 40 prompt tokens at 3 USD/M + 14 out at 15, in micro-USD.
    private const long ClaudeJsonCost = 40 * 3 + 14 * 15;

    private ChatClient Client(TestAccount account, string model) =>
        new(model, new ApiKeyCredential(account.Key), new OpenAIClientOptions { Endpoint = new Uri(gateway.BaseAddress, "v1") });

    private static readonly ChatTool Weather = ChatTool.CreateFunctionTool("get_weather", "Current weather",
        BinaryData.FromString("""{"type":"object","properties":{"city":{"type":"string"}},"required":["city"]}"""));

    [Fact]
    public async Task NonStreaming_ConvertsBothWaysAndBillsCacheTokens()
    {
        var account = await gateway.CreateAccountAsync(usd: 1m);

        ChatCompletion completion = await Client(account, "claude-test").CompleteChatAsync(
            [new SystemChatMessage("Be brief."), new UserChatMessage("Weather in Paris?")]);

        Assert.Equal("Hello! It is sunny in Paris.", completion.Content[0].Text);
        Assert.Equal("claude-test", completion.Model);
        Assert.Equal(ChatFinishReason.Stop, completion.FinishReason);
        Assert.Equal(55, completion.Usage.InputTokenCount);
        Assert.Equal(20, completion.Usage.InputTokenDetails.CachedTokenCount);
        Assert.Equal(12, completion.Usage.OutputTokenCount);
        Assert.Equal(1_000_000 - ClaudeEchoCost, await gateway.BalanceAsync(account));

        var sent = gateway.Upstream.Received.Last(r => r.Model == "claude-echo");
        Assert.Equal("sk-ant-upstream", sent.Authorization);
        Assert.Equal("2023-06-01", sent.Detail);
        Assert.Equal("Be brief.", sent.Body["system"]!.GetValue<string>());
        Assert.Equal(1024, sent.Body["max_tokens"]!.GetValue<int>());
        await gateway.AssertBooksBalanceAsync(account);
    }

    [Fact]
    public async Task Streaming_RelaysTextAndBillsTheStreamUsage()
    {
        var account = await gateway.CreateAccountAsync(usd: 1m);

        var (text, usage) = await StreamedToolCalls.CollectTextAsync(Client(account, "claude-test").CompleteChatStreamingAsync([new UserChatMessage("Weather?")]));

        Assert.Equal("Hello! It is sunny in Paris.", text);
        Assert.Equal(55, usage!.InputTokenCount);
        Assert.Equal(20, usage.InputTokenDetails.CachedTokenCount);
        Assert.Equal(1_000_000 - ClaudeEchoCost, await gateway.BalanceAsync(account));
    }

    [Fact]
    public async Task StreamedToolCalls_AreReassembledByTheSdk()
    {
        var account = await gateway.CreateAccountAsync(usd: 1m);
        var options = new ChatCompletionOptions { Tools = { Weather } };

        var (builders, finish) = await StreamedToolCalls.CollectAsync(
            Client(account, "claude-tools").CompleteChatStreamingAsync([new UserChatMessage("Weather in Paris?")], options));

        Assert.Equal(ChatFinishReason.ToolCalls, finish);
        Assert.Equal(2, builders.Count);
        Assert.Equal(("toolu_01Weather", "get_weather"), (builders[0].Id, builders[0].Name));
        Assert.Equal("Paris", JsonNode.Parse(builders[0].Arguments)!["city"]!.GetValue<string>());
        Assert.Equal(("toolu_02Time", "get_time"), (builders[1].Id, builders[1].Name));
        Assert.Equal("CET", JsonNode.Parse(builders[1].Arguments)!["zone"]!.GetValue<string>());
    }

    [Fact]
    public async Task ToolResultRoundTrip_ReachesAFinalAnswer()
    {
        var account = await gateway.CreateAccountAsync(usd: 1m);
        var client = Client(account, "claude-tools");
        var options = new ChatCompletionOptions { Tools = { Weather } };
        List<ChatMessage> conversation = [new UserChatMessage("Weather in Paris?")];

        ChatCompletion first = await client.CompleteChatAsync(conversation, options);
        Assert.Equal(ChatFinishReason.ToolCalls, first.FinishReason);
        var call = Assert.Single(first.ToolCalls);
        Assert.Equal("get_weather", call.FunctionName);
        Assert.Equal("Paris", JsonNode.Parse(call.FunctionArguments.ToString())!["city"]!.GetValue<string>());

        conversation.Add(new AssistantChatMessage(first));
        conversation.Add(new ToolChatMessage(call.Id, "21C and sunny"));
        ChatCompletion second = await client.CompleteChatAsync(conversation, options);

        Assert.Equal(ChatFinishReason.Stop, second.FinishReason);
        Assert.Equal("Hello! It is sunny in Paris.", second.Content[0].Text);
        var sent = gateway.Upstream.Received.Last(r => r.Model == "claude-tools").Body["messages"]!.AsArray();
        Assert.Equal("tool_use", sent[1]!["content"]!.AsArray().Last()!["type"]!.GetValue<string>());
        Assert.Equal(call.Id, sent[2]!["content"]![0]!["tool_use_id"]!.GetValue<string>());
    }

    [Fact]
    public async Task ParameterAnthropicCannotHonour_Returns400NamingItAndForwardsNothing()
    {
        var account = await gateway.CreateAccountAsync(usd: 1m);
        using var client = gateway.CreateClient(account.Key);
        var before = gateway.Upstream.CountFor("claude-echo");

        using var response = await client.PostAsync("v1/chat/completions", new StringContent(
            """{"model":"claude-test","n":3,"messages":[{"role":"user","content":"hi"}]}""", Encoding.UTF8, "application/json"));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("n", JsonNode.Parse(await response.Content.ReadAsStringAsync())!["error"]!["param"]!.GetValue<string>());
        Assert.Equal(before, gateway.Upstream.CountFor("claude-echo"));
        Assert.Equal(1_000_000, await gateway.BalanceAsync(account));
        await gateway.AssertBooksBalanceAsync(account);
    }

    [Fact]
    public async Task JsonSchemaResponseFormat_ReachesAnthropicAsOutputConfigFormat_AndTheJsonComesBack()
    {
        var account = await gateway.CreateAccountAsync(usd: 1m);
        const string schema = """{"type":"object","properties":{"city":{"type":"string"},"sky":{"type":"string"},"celsius":{"type":"integer"}},"required":["city","sky","celsius"],"additionalProperties":false}""";
        var options = new ChatCompletionOptions { ResponseFormat = ChatResponseFormat.CreateJsonSchemaFormat("weather", BinaryData.FromString(schema), jsonSchemaIsStrict: true) };

        ChatCompletion completion = await Client(account, "claude-test").CompleteChatAsync([new UserChatMessage("Weather in Paris as JSON")], options);

        Assert.Equal("Paris", JsonNode.Parse(completion.Content[0].Text)!["city"]!.GetValue<string>());
        var sent = gateway.Upstream.Received.Last(r => r.Model == "claude-echo").Body;
        Assert.Null(sent["response_format"]);
        Assert.Equal("json_schema", sent["output_config"]!["format"]!["type"]!.GetValue<string>());
        Assert.True(JsonNode.DeepEquals(JsonNode.Parse(schema), sent["output_config"]!["format"]!["schema"]));
        Assert.Equal(1_000_000 - ClaudeJsonCost, await gateway.BalanceAsync(account));
        await gateway.AssertBooksBalanceAsync(account);
    }

    [Theory]
    [InlineData("""{"type":"json_object"}""", "json_schema")]
    [InlineData("\"json\"", "object")]
    [InlineData("""{"type":5}""", "object")]
    [InlineData("""{"type":"json_schema","json_schema":"weather"}""", "schema")]
    public async Task ResponseFormatWithoutASchema_Is400SayingWhatIsNeeded_AndChargesNothing(string responseFormat, string said)
    {
        var account = await gateway.CreateAccountAsync(usd: 1m);
        using var client = gateway.CreateClient(account.Key);
        var before = gateway.Upstream.CountFor("claude-echo");

        using var response = await client.PostAsync("v1/chat/completions", new StringContent(
            $$"""{"model":"claude-test","response_format":{{responseFormat}},"messages":[{"role":"user","content":"JSON please"}]}""", Encoding.UTF8, "application/json"));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var error = JsonNode.Parse(await response.Content.ReadAsStringAsync())!["error"]!;
        Assert.Equal("response_format", error["param"]!.GetValue<string>());
        Assert.Contains(said, error["message"]!.GetValue<string>());
        Assert.Equal(before, gateway.Upstream.CountFor("claude-echo"));
        Assert.Equal(1_000_000, await gateway.BalanceAsync(account));
        await gateway.AssertBooksBalanceAsync(account);
    }

    [Fact]
    public async Task AnswerOfAnUnexpectedShape_Is502AndRefunded()
    {
        var account = await gateway.CreateAccountAsync(usd: 1m);

        var ex = await Assert.ThrowsAsync<ClientResultException>(() => Client(account, "claude-malformed").CompleteChatAsync([new UserChatMessage("hi")]));

        Assert.Equal(502, ex.Status);
        Assert.Equal(1_000_000, await gateway.BalanceAsync(account));
        await gateway.AssertBooksBalanceAsync(account);
    }

    [Fact]
    public async Task AnthropicErrorShape_Becomes502WithItsMessageAndARefund()
    {
        var account = await gateway.CreateAccountAsync(usd: 1m);
        using var client = gateway.CreateClient(account.Key);

        using var response = await client.PostAsync("v1/chat/completions", new StringContent(
            """{"model":"claude-overloaded","messages":[{"role":"user","content":"hi"}]}""", Encoding.UTF8, "application/json"));

        Assert.Equal(HttpStatusCode.BadGateway, response.StatusCode);
        Assert.Contains("HTTP 529", JsonNode.Parse(await response.Content.ReadAsStringAsync())!["error"]!["message"]!.GetValue<string>());
        Assert.Equal(1_000_000, await gateway.BalanceAsync(account));
    }
}
