#pragma warning disable OPENAI001 // The SDK marks its Responses client experimental.
using System.ClientModel;
using System.ClientModel.Primitives;
using System.Text;
using System.Text.Json.Nodes;
using OpenAI;
using OpenAI.Responses;
using TokenPortal.Core.Data.Entities;

namespace TokenPortal.Tests.Gateway;

/// <summary>The official OpenAI .NET SDK's Responses client, unchanged, against OpenAI-compatible, Claude- and Gemini-backed models.</summary>
public sealed class ResponsesSdkTests(ReasoningUpstreamFixture gateway) : IClassFixture<ReasoningUpstreamFixture>
{
    // No cache here: 412 prompt tokens at 3 USD/M + 57 out at 15 (Claude's tool call), 90 at 1 + 20 at 4 (Gemini's), in micro-USD.
    private const long ClaudeToolCallCost = 412 * 3 + 57 * 15;
    private const long GeminiToolCallCost = 90 + 20 * 4;

    // 24 uncached prompt tokens at 1 USD/M + 16 cached at 0.25 + (6 + 4 thinking) out at 4, in micro-USD.
    private const long GeminiEchoCost = 24 + 4 + 40;

    // The structured answers: 40 prompt tokens at 3 USD/M + 14 out at 15 (Claude), 30 at 1 + 14 at 4 (Gemini), in micro-USD.
    private const long ClaudeJsonCost = 40 * 3 + 14 * 15;
    private const long GeminiJsonCost = 30 + 14 * 4;

    private const string WeatherSchema = """{"type":"object","properties":{"city":{"type":"string"},"sky":{"type":"string"},"celsius":{"type":"integer"}},"required":["city","sky","celsius"],"additionalProperties":false}""";

    private static CreateResponseOptions AskForJson(string model)
    {
        var options = Ask(model, "Weather in Paris as JSON");
        options.TextOptions = new ResponseTextOptions { TextFormat = ResponseTextFormat.CreateJsonSchemaFormat("weather", BinaryData.FromString(WeatherSchema), "Today's weather", true) };
        return options;
    }

    // 30 plain prompt tokens at 3 USD/M + 5 cache writes at 3.75 (1.25x input) + 20 cache reads at 0.3 + 12 out at 15:
    // 90 + 18.75 + 6 + 180 = 294.75, rounded up once to 295 micro-USD (Claude's text answer, whole or streamed).
    private const long ClaudeEchoCost = 295;

    // Claude's thinking turn: 480 prompt tokens at 3 USD/M + 96 out (thinking included) at 15, in micro-USD.
    private const long ClaudeThinkingCost = 480 * 3 + 96 * 15;

    // Gemini's thinking turn: 90 prompt tokens at 1 USD/M + (20 answer + 50 thought) out at 4, in micro-USD.
    private const long GeminiThinkingCost = 90 + 70 * 4;

    private const string ClaudeThinking = "The user wants the weather in Paris. I should call get_weather.";
    private const string GeminiThinking = "**Checking the weather**\n\nThe user asks about Paris; I will call get_weather.";

    /// <summary>A 1x1 PNG, as a client would attach a picture.</summary>
    private static readonly BinaryData Pixel = BinaryData.FromBytes(System.Convert.FromBase64String(
        "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg=="), "image/png");

    /// <summary>
    /// The account's one request cost exactly <paramref name="micros"/> (the catalog price of its usage, worked out by hand):
    /// the balance dropped by that much, and the log row says so.
    /// </summary>
    private async Task AssertChargedExactlyAsync(TestAccount account, long micros)
    {
        Assert.Equal(1_000_000 - micros, await gateway.BalanceAsync(account));
        Assert.Equal(micros, Assert.Single(await gateway.LogRowsAsync(account)).CostMicros);
        await gateway.AssertBooksBalanceAsync(account);
    }

    private ResponsesClient Client(TestAccount account) =>
        new OpenAIClient(new ApiKeyCredential(account.Key), new OpenAIClientOptions { Endpoint = new Uri(gateway.BaseAddress, "v1") }).GetResponsesClient();

    private static readonly ResponseTool Weather = ResponseTool.CreateFunctionTool("get_weather",
        BinaryData.FromString("""{"type":"object","properties":{"city":{"type":"string"}},"required":["city"],"additionalProperties":false}"""),
        strictModeEnabled: false, functionDescription: "Current weather");

    private static CreateResponseOptions Ask(string model, string text, bool tools = false, bool stream = false)
    {
        var options = new CreateResponseOptions { Model = model, Instructions = "Be brief.", MaxOutputTokenCount = 500, StreamingEnabled = stream };
        options.InputItems.Add(ResponseItem.CreateUserMessageItem(text));
        if (tools)
            options.Tools.Add(Weather);
        return options;
    }

    [Fact]
    public async Task CreateResponse_AgainstAnOpenAIModel_ReturnsTextAndUsageAndBillsExactly()
    {
        var account = await gateway.CreateAccountAsync(usd: 1m);

        ResponseResult response = await Client(account).CreateResponseAsync(Ask("gpt-test", "Say hello"));

        Assert.StartsWith("resp_", response.Id);
        Assert.Equal("gpt-test", response.Model);
        Assert.Equal(ResponseStatus.Completed, response.Status);
        Assert.Equal(FakeUpstream.FullText, response.GetOutputText());
        Assert.Equal(FakeUpstream.PromptTokens, response.Usage.InputTokenCount);
        Assert.Equal(FakeUpstream.CachedTokens, response.Usage.InputTokenDetails.CachedTokenCount);
        Assert.Equal(7, response.Usage.OutputTokenCount);
        Assert.Equal(FakeUpstream.PromptTokens + 7, response.Usage.TotalTokenCount);
        var cost = GatewaySettings.EchoCostMicros();
        Assert.Equal(1_000_000 - cost, await gateway.BalanceAsync(account));
        Assert.Equal(-cost, Assert.Single(await gateway.LedgerEntriesAsync(account), e => e.Kind == LedgerEntryKind.Settle).AmountMicros);
        await gateway.AssertBooksBalanceAsync(account);
    }

    [Fact]
    public async Task CreateResponseStreaming_AgainstAnOpenAIModel_StreamsTextAndCompletesWithUsage()
    {
        var account = await gateway.CreateAccountAsync(usd: 1m);
        var (text, _, completed) = await StreamAsync(account, Ask("gpt-test", "Say hello", stream: true));

        Assert.Equal(FakeUpstream.FullText, text);
        Assert.NotNull(completed);
        Assert.Equal(FakeUpstream.FullText, completed.GetOutputText());
        Assert.Equal(FakeUpstream.PromptTokens, completed.Usage.InputTokenCount);
        Assert.Equal(7, completed.Usage.OutputTokenCount);
        Assert.Equal(1_000_000 - GatewaySettings.EchoCostMicros(), await gateway.BalanceAsync(account));
        await gateway.AssertBooksBalanceAsync(account);
    }

    [Fact]
    public async Task CreateResponse_AgainstAClaudeModel_ReturnsItsText()
    {
        var account = await gateway.CreateAccountAsync(usd: 1m);

        ResponseResult response = await Client(account).CreateResponseAsync(Ask("claude-test", "Weather in Paris?"));

        Assert.Equal("Hello! It is sunny in Paris.", response.GetOutputText());
        Assert.Equal("claude-test", response.Model);
        Assert.Equal(55, response.Usage.InputTokenCount);
        Assert.Equal(20, response.Usage.InputTokenDetails.CachedTokenCount);
        Assert.Equal(12, response.Usage.OutputTokenCount);
        Assert.Equal(-ClaudeEchoCost, Assert.Single(await gateway.LedgerEntriesAsync(account), e => e.Kind == LedgerEntryKind.Settle).AmountMicros);
        var sent = gateway.Upstream.Received.Last(r => r.Model == "claude-echo").Body;
        Assert.Equal("Be brief.", sent["system"]!.GetValue<string>());
        Assert.Equal(500, sent["max_tokens"]!.GetValue<int>());
        await AssertChargedExactlyAsync(account, ClaudeEchoCost);
    }

    [Fact]
    public async Task CreateResponseStreaming_AgainstAClaudeModel_StreamsTextAndBillsExactly()
    {
        var account = await gateway.CreateAccountAsync(usd: 1m);
        var (text, _, completed) = await StreamAsync(account, Ask("claude-test", "Weather in Paris?", stream: true));

        Assert.Equal("Hello! It is sunny in Paris.", text);
        Assert.NotNull(completed);
        Assert.Equal("Hello! It is sunny in Paris.", completed.GetOutputText());
        Assert.Equal((55, 20, 12, 67), (completed.Usage.InputTokenCount, completed.Usage.InputTokenDetails.CachedTokenCount, completed.Usage.OutputTokenCount, completed.Usage.TotalTokenCount));
        Assert.True(gateway.Upstream.Received.Last(r => r.Model == "claude-echo").Body["stream"]!.GetValue<bool>());
        await AssertChargedExactlyAsync(account, ClaudeEchoCost);
    }

    /// <summary>The text of a reasoning item's <c>reasoning_text</c> parts, which the SDK keeps but shows only in the item's JSON.</summary>
    /// <summary>A streamed response read to its end: its text and reasoning as the deltas brought them, and the completed response.</summary>
    private async Task<(string Text, string Reasoning, ResponseResult? Completed)> StreamAsync(TestAccount account, CreateResponseOptions ask)
    {
        var text = new StringBuilder();
        var reasoning = new StringBuilder();
        ResponseResult? completed = null;
        await using var updates = await Client(account).CreateResponseStreamingAsync(ask);
        await foreach (var update in updates)
        {
            switch (update)
            {
                case StreamingResponseOutputTextDeltaUpdate delta:
                    text.Append(delta.Delta);
                    break;
                case StreamingResponseReasoningTextDeltaUpdate thought:
                    reasoning.Append(thought.Delta);
                    break;
                case StreamingResponseCompletedUpdate done:
                    completed = done.Response;
                    break;
            }
        }
        return (text.ToString(), reasoning.ToString(), completed);
    }

    private static string ReasoningTextOf(ReasoningResponseItem item) =>
        string.Concat(JsonNode.Parse(ModelReaderWriter.Write(item).ToString())!["content"]!.AsArray().Select(p => p!["text"]!.GetValue<string>()));

    [Theory]
    [InlineData("claude-thinking", false)]
    [InlineData("claude-thinking", true)]
    [InlineData("gemini-thinking", false)]
    [InlineData("gemini-thinking", true)]
    public async Task ReasoningEffort_AgainstAThinkingModel_ReturnsAReasoningItemWithTheThinkingAndBillsItAsOutput(string model, bool stream)
    {
        var account = await gateway.CreateAccountAsync(usd: 1m);
        var ask = Ask(model, "Weather in Paris?", tools: true, stream: stream);
        ask.MaxOutputTokenCount = 4000;
        ask.ReasoningOptions = new ResponseReasoningOptions { ReasoningEffortLevel = ResponseReasoningEffortLevel.Low };
        var claude = model.StartsWith("claude", StringComparison.Ordinal);
        var thinking = claude ? ClaudeThinking : GeminiThinking;

        ResponseResult response;
        if (stream)
        {
            var (_, reasoning, completed) = await StreamAsync(account, ask);
            Assert.Equal(thinking, reasoning);
            response = completed!;
        }
        else
        {
            response = await Client(account).CreateResponseAsync(ask);
        }

        Assert.IsType<ReasoningResponseItem>(response.OutputItems[0]);
        Assert.Equal(thinking, ReasoningTextOf((ReasoningResponseItem)response.OutputItems[0]));
        Assert.Equal("get_weather", Assert.Single(response.OutputItems.OfType<FunctionCallResponseItem>()).FunctionName);
        // Anthropic reports no count of its own: the gateway counts the thinking's 14 or so o200k tokens. Gemini's thoughtsTokenCount is 50.
        if (claude)
            Assert.InRange(response.Usage.OutputTokenDetails.ReasoningTokenCount, 10, 20);
        else
            Assert.Equal(50, response.Usage.OutputTokenDetails.ReasoningTokenCount);
        Assert.Equal(claude ? 96 : 70, response.Usage.OutputTokenCount);
        await AssertChargedExactlyAsync(account, claude ? ClaudeThinkingCost : GeminiThinkingCost);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task ReasoningEffort_AgainstAnOpenAICompatibleReasoner_ReturnsAReasoningItemAndTheUpstreamsReasoningTokenCount(bool stream)
    {
        var account = await gateway.CreateAccountAsync(usd: 1m);
        var ask = Ask(ReasoningUpstreamFixture.ReasonerModel, "Hello?", stream: stream);
        ask.ReasoningOptions = new ResponseReasoningOptions { ReasoningEffortLevel = ResponseReasoningEffortLevel.Low };

        ResponseResult response;
        if (stream)
        {
            var (_, reasoning, completed) = await StreamAsync(account, ask);
            Assert.Equal(FakeUpstream.FullReasoning, reasoning);
            response = completed!;
        }
        else
        {
            response = await Client(account).CreateResponseAsync(ask);
        }

        Assert.Equal(FakeUpstream.FullReasoning, ReasoningTextOf(Assert.IsType<ReasoningResponseItem>(response.OutputItems[0])));
        Assert.Equal(FakeUpstream.FullText, response.GetOutputText());
        Assert.Equal("low", gateway.Upstream.Received.Last(r => r.Model == "fake-reasoning").Body["reasoning_effort"]!.GetValue<string>());
        // The upstream's own count, not a recount: 9 thought tokens, within 16 output tokens.
        Assert.Equal(FakeUpstream.ReasoningTokens, response.Usage.OutputTokenDetails.ReasoningTokenCount);
        Assert.Equal(7 + FakeUpstream.ReasoningTokens, response.Usage.OutputTokenCount);
        await AssertChargedExactlyAsync(account, GatewaySettings.EchoCostMicros(7 + FakeUpstream.ReasoningTokens));
    }

    [Theory]
    [InlineData("claude-test")]
    [InlineData("gemini-test")]
    public async Task CreateResponse_WithAnImageAgainstAConvertedModel_SendsTheImageInTheProvidersOwnShape(string model)
    {
        var account = await gateway.CreateAccountAsync(usd: 1m);
        var ask = new CreateResponseOptions { Model = model, MaxOutputTokenCount = 500 };
        ask.InputItems.Add(ResponseItem.CreateUserMessageItem([ResponseContentPart.CreateInputTextPart("What is in this picture?"), ResponseContentPart.CreateInputImagePart(Pixel, ResponseImageDetailLevel.Low)]));
        var data = System.Convert.ToBase64String(Pixel.ToArray());

        ResponseResult response = await Client(account).CreateResponseAsync(ask);

        Assert.Equal(ResponseStatus.Completed, response.Status);
        if (model == "claude-test")
        {
            var blocks = gateway.Upstream.Received.Last(r => r.Model == "claude-echo" && r.Body.ToJsonString().Contains(data, StringComparison.Ordinal)).Body["messages"]![0]!["content"]!.AsArray();
            Assert.Equal(["text", "image"], blocks.Select(b => b!["type"]!.GetValue<string>()));
            Assert.True(JsonNode.DeepEquals(new JsonObject { ["type"] = "base64", ["media_type"] = "image/png", ["data"] = data }, blocks[1]!["source"]));
            await AssertChargedExactlyAsync(account, ClaudeEchoCost);
        }
        else
        {
            var parts = gateway.Upstream.Received.Last(r => r.Model == "gemini-echo" && r.Body.ToJsonString().Contains(data, StringComparison.Ordinal)).Body["contents"]![0]!["parts"]!.AsArray();
            Assert.Equal("What is in this picture?", parts[0]!["text"]!.GetValue<string>());
            Assert.True(JsonNode.DeepEquals(new JsonObject { ["mimeType"] = "image/png", ["data"] = data }, parts[1]!["inlineData"]));
            await AssertChargedExactlyAsync(account, GeminiEchoCost);
        }
    }

    [Theory]
    [InlineData("gpt-test", "fake-echo", "max_tokens")]
    [InlineData("claude-test", "claude-echo", "max_tokens")]
    [InlineData("gemini-test", "gemini-echo", "maxOutputTokens")]
    public async Task SamplingSettingsAndMaxOutputTokens_ReachTheUpstreamInItsOwnFields(string model, string upstreamModel, string boundField)
    {
        var account = await gateway.CreateAccountAsync(usd: 1m);
        var ask = Ask(model, "Say hello");
        ask.Temperature = 0.25f;
        ask.TopP = 0.5f;
        ask.MaxOutputTokenCount = 321;

        await Client(account).CreateResponseAsync(ask);

        var sent = gateway.Upstream.Received.Last(r => r.Model == upstreamModel && (r.Body[boundField] ?? r.Body["generationConfig"]?[boundField])?.GetValue<int>() == 321).Body;
        var settings = model == "gemini-test" ? sent["generationConfig"]! : sent;
        Assert.Equal(0.25, settings["temperature"]!.GetValue<double>());
        Assert.Equal(0.5, settings[model == "gemini-test" ? "topP" : "top_p"]!.GetValue<double>());
        await gateway.AssertBooksBalanceAsync(account);
    }

    [Fact]
    public async Task CreateResponse_WithAJsonSchemaFormatAgainstAClaudeModel_SendsItAsOutputConfigAndReturnsTheJson()
    {
        var account = await gateway.CreateAccountAsync(usd: 1m);

        ResponseResult response = await Client(account).CreateResponseAsync(AskForJson("claude-test"));

        var answer = JsonNode.Parse(response.GetOutputText())!;
        Assert.Equal(("Paris", 21), (answer["city"]!.GetValue<string>(), answer["celsius"]!.GetValue<int>()));
        var sent = gateway.Upstream.Received.Last(r => r.Model == "claude-echo" && r.Body["output_config"] is not null).Body;
        Assert.True(JsonNode.DeepEquals(JsonNode.Parse(WeatherSchema), sent["output_config"]!["format"]!["schema"]));
        Assert.Null(sent["response_format"]);
        Assert.Equal(1_000_000 - ClaudeJsonCost, await gateway.BalanceAsync(account));
        await gateway.AssertBooksBalanceAsync(account);
    }

    [Fact]
    public async Task CreateResponse_WithAJsonSchemaFormatAgainstAGeminiModel_SendsItAsResponseSchemaAndReturnsTheJson()
    {
        var account = await gateway.CreateAccountAsync(usd: 1m);

        ResponseResult response = await Client(account).CreateResponseAsync(AskForJson("gemini-test"));

        Assert.Equal("sunny", JsonNode.Parse(response.GetOutputText())!["sky"]!.GetValue<string>());
        var config = gateway.Upstream.Received.Last(r => r.Model == "gemini-echo" && r.Body["generationConfig"]?["responseSchema"] is not null).Body["generationConfig"]!;
        Assert.Equal("application/json", config["responseMimeType"]!.GetValue<string>());
        Assert.Equal(["city", "sky", "celsius"], config["responseSchema"]!["required"]!.AsArray().Select(n => n!.GetValue<string>()));
        Assert.Equal(1_000_000 - GeminiJsonCost, await gateway.BalanceAsync(account));
        await gateway.AssertBooksBalanceAsync(account);
    }

    [Fact]
    public async Task CreateResponseStreaming_AgainstAGeminiModel_StreamsTextAndBillsExactly()
    {
        var account = await gateway.CreateAccountAsync(usd: 1m);
        var (text, _, completed) = await StreamAsync(account, Ask("gemini-test", "Hello?", stream: true));

        Assert.Equal("Hello from Gemini.", text);
        Assert.Equal(40, completed!.Usage.InputTokenCount);
        Assert.Equal(4, completed.Usage.OutputTokenDetails.ReasoningTokenCount);
        Assert.Equal(1_000_000 - GeminiEchoCost, await gateway.BalanceAsync(account));
        await gateway.AssertBooksBalanceAsync(account);
    }

    [Fact]
    public async Task FunctionCallRoundTrip_AgainstAClaudeModel_ReachesAFinalAnswer()
    {
        var account = await gateway.CreateAccountAsync(usd: 1m);
        var client = Client(account);
        var ask = Ask("claude-tools", "Weather in Paris?", tools: true);

        ResponseResult first = await client.CreateResponseAsync(ask);

        var call = Assert.Single(first.OutputItems.OfType<FunctionCallResponseItem>());
        Assert.Equal(("toolu_01Weather", "get_weather"), (call.CallId, call.FunctionName));
        Assert.Equal("Paris", JsonNode.Parse(call.FunctionArguments.ToString())!["city"]!.GetValue<string>());
        Assert.Equal(1_000_000 - ClaudeToolCallCost, await gateway.BalanceAsync(account));

        // The conversation goes back as items, the model's own output included: nothing is stored between calls.
        var next = Ask("claude-tools", "Weather in Paris?", tools: true);
        foreach (var item in first.OutputItems)
            next.InputItems.Add(item);
        next.InputItems.Add(ResponseItem.CreateFunctionCallOutputItem(call.CallId, "21C and sunny"));
        ResponseResult second = await client.CreateResponseAsync(next);

        Assert.Equal("Hello! It is sunny in Paris.", second.GetOutputText());
        var sent = gateway.Upstream.Received.Last(r => r.Model == "claude-tools").Body["messages"]!.AsArray();
        Assert.Equal(["user", "assistant", "user"], sent.Select(m => m!["role"]!.GetValue<string>()));
        Assert.Equal("toolu_01Weather", sent[1]!["content"]!.AsArray().Single(b => b!["type"]!.GetValue<string>() == "tool_use")!["id"]!.GetValue<string>());
        Assert.Equal("toolu_01Weather", sent[2]!["content"]![0]!["tool_use_id"]!.GetValue<string>());
        Assert.Equal("21C and sunny", sent[2]!["content"]![0]!["content"]!.GetValue<string>());
        var settles = (await gateway.LedgerEntriesAsync(account)).Where(e => e.Kind == LedgerEntryKind.Settle).ToList();
        Assert.Equal(2, settles.Count);
        Assert.Equal(-ClaudeToolCallCost, settles[0].AmountMicros);
        Assert.Equal(-ClaudeEchoCost, settles[1].AmountMicros);
        Assert.Equal(1_000_000 - ClaudeToolCallCost - ClaudeEchoCost, await gateway.BalanceAsync(account));
        await gateway.AssertBooksBalanceAsync(account);
    }

    [Fact]
    public async Task FunctionCallRoundTrip_AgainstAThinkingGeminiModel_GivesTheThoughtSignatureBackOnTheCall()
    {
        var account = await gateway.CreateAccountAsync(usd: 1m);
        var client = Client(account);
        var ask = Ask("gemini-thinking", "Weather in Paris?", tools: true);
        ask.ReasoningOptions = new ResponseReasoningOptions { ReasoningEffortLevel = ResponseReasoningEffortLevel.Low };

        ResponseResult first = await client.CreateResponseAsync(ask);

        var call = Assert.Single(first.OutputItems.OfType<FunctionCallResponseItem>());
        Assert.Equal("get_weather", call.FunctionName);
        // 20 answer tokens and 50 thought tokens, all output: 90 x 1 + 70 x 4 micro-USD.
        Assert.Equal(1_000_000 - 370, await gateway.BalanceAsync(account));

        // Gemini refuses the next turn unless the call comes back with its signature: the SDK sends back only what it was given.
        var next = Ask("gemini-thinking", "Weather in Paris?", tools: true);
        next.ReasoningOptions = ask.ReasoningOptions;
        foreach (var item in first.OutputItems)
            next.InputItems.Add(item);
        next.InputItems.Add(ResponseItem.CreateFunctionCallOutputItem(call.CallId, "21C and sunny"));
        ResponseResult second = await client.CreateResponseAsync(next);

        Assert.Equal(ResponseStatus.Completed, second.Status);
        var sent = gateway.Upstream.Received.Last(r => r.Model == "gemini-thinking").Body["contents"]!.AsArray();
        var sentCall = sent.SelectMany(c => c!["parts"]!.AsArray()).Single(p => p!["functionCall"] is not null)!;
        Assert.Equal(FakeUpstream.GeminiThoughtSignature, sentCall["thoughtSignature"]!.GetValue<string>());
        await gateway.AssertBooksBalanceAsync(account);
    }

    [Fact]
    public async Task CreateResponseStreaming_WithToolsAgainstAGeminiModel_YieldsFunctionCallItemsAndBillsExactly()
    {
        var account = await gateway.CreateAccountAsync(usd: 1m);
        var done = new List<FunctionCallResponseItem>();
        ResponseResult? completed = null;

        await using var updates = await Client(account).CreateResponseStreamingAsync(Ask("gemini-tools", "Weather?", tools: true, stream: true));
        await foreach (var update in updates)
        {
            if (update is StreamingResponseOutputItemDoneUpdate { Item: FunctionCallResponseItem call })
                done.Add(call);
            else if (update is StreamingResponseCompletedUpdate finished)
                completed = finished.Response;
        }

        Assert.NotEmpty(done);
        Assert.Equal("get_weather", done[0].FunctionName);
        Assert.False(string.IsNullOrEmpty(done[0].CallId));
        Assert.NotNull(JsonNode.Parse(done[0].FunctionArguments.ToString()));
        Assert.Equal(done.Count, completed!.OutputItems.OfType<FunctionCallResponseItem>().Count());
        Assert.Equal(1_000_000 - GeminiToolCallCost, await gateway.BalanceAsync(account));
        await gateway.AssertBooksBalanceAsync(account);
    }

    [Fact]
    public async Task CreateResponse_WithPreviousResponseId_ThrowsA400SayingNothingIsStored()
    {
        var account = await gateway.CreateAccountAsync(usd: 1m);
        var ask = Ask("gpt-test", "And then?");
        ask.PreviousResponseId = "resp_earlier";

        var ex = await Assert.ThrowsAsync<ClientResultException>(() => Client(account).CreateResponseAsync(ask));

        Assert.Equal(400, ex.Status);
        Assert.Contains("stores no content", ex.Message);
        Assert.Equal(1_000_000, await gateway.BalanceAsync(account));
    }

    [Fact]
    public async Task CreateResponseStreaming_WhenTheProviderBreaksMidway_EndsWithAFailedUpdate()
    {
        var account = await gateway.CreateAccountAsync(usd: 1m);
        var seen = new List<StreamingResponseUpdate>();

        await using var updates = await Client(account).CreateResponseStreamingAsync(Ask("cut", "Say hello", stream: true));
        await foreach (var update in updates)
            seen.Add(update);

        Assert.Contains(seen, u => u is StreamingResponseOutputTextDeltaUpdate);
        var failed = Assert.Single(seen.OfType<StreamingResponseFailedUpdate>());
        Assert.Equal(ResponseStatus.Failed, failed.Response.Status);
        Assert.False(string.IsNullOrEmpty(failed.Response.Error.Message));
        Assert.IsType<StreamingResponseErrorUpdate>(seen[^1]);
        Assert.DoesNotContain(seen, u => u is StreamingResponseCompletedUpdate);
        await gateway.AssertBooksBalanceAsync(account);
    }
}
