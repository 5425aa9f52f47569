using System.Net;
using System.Text;
using System.Text.Json;
using Anthropic;
using Anthropic.Exceptions;
using Anthropic.Models.Messages;

namespace TokenPortal.Tests.Gateway;

/// <summary>The official Anthropic C# SDK, unchanged, against <c>/v1/messages</c>, reaching OpenAI-compatible, Claude- and Gemini-backed models.</summary>
public sealed class MessagesSdkTests(ReasoningUpstreamFixture gateway) : IClassFixture<ReasoningUpstreamFixture>
{
    private AnthropicClient Client(TestAccount account) => new()
    {
        ApiKey = account.Key,
        BaseUrl = gateway.BaseAddress.ToString().TrimEnd('/'),
        MaxRetries = 0,
    };

    /// <summary>
    /// The account's requests cost exactly <paramref name="micros"/>, one each (the catalog price of their usage, worked out by hand):
    /// the balance dropped by the sum, and each log row says its own (in any order: the log is written behind the answers,
    /// so a turn can be logged after the next one).
    /// </summary>
    private async Task AssertChargedExactlyAsync(TestAccount account, params long[] micros)
    {
        Assert.Equal(1_000_000 - micros.Sum(), await gateway.BalanceAsync(account));
        Assert.Equal(micros.Order(), (await gateway.LogRowsAsync(account)).Select(r => r.CostMicros).Order());
        await gateway.AssertBooksBalanceAsync(account);
    }

    private static MessageCreateParams Ask(string model, string text = "Say hello") => new()
    {
        Model = model,
        MaxTokens = 100,
        System = "Be brief.",
        Messages = [new UserMessageParam(text)],
    };

    [Theory]
    [InlineData("gpt-test", false)]
    [InlineData("gpt-test", true)]
    [InlineData("claude-test", false)]
    [InlineData("claude-test", true)]
    [InlineData("gemini-test", false)]
    [InlineData("gemini-test", true)]
    public async Task Create_AgainstEveryProviderKind_ReturnsTheTextAndUsageAndBillsExactly(string model, bool stream)
    {
        var account = await gateway.CreateAccountAsync(usd: 1m);
        using var client = Client(account);
        var expected = Plain.Single(p => p.Model == model);

        var answer = stream ? await StreamTextAsync(client, Ask(model)) : await CreateTextAsync(client, Ask(model));

        Assert.Equal(new TextAnswer(expected.Text, "end_turn", expected.InputTokens, expected.CacheReadTokens, expected.OutputTokens), answer);
        await AssertChargedExactlyAsync(account, expected.CostMicros);
    }

    [Fact]
    public async Task Create_WithTools_ReturnsToolUseBlocks()
    {
        var account = await gateway.CreateAccountAsync(usd: 1m);
        using var client = Client(account);
        var ask = Ask("claude-tools", "Weather in Paris?") with
        {
            Tools =
            [
                new Tool
                {
                    Name = "get_weather",
                    Description = "Current weather",
                    InputSchema = new InputSchema
                    {
                        Properties = new Dictionary<string, JsonElement> { ["city"] = JsonSerializer.SerializeToElement(new { type = "string" }) },
                        Required = ["city"],
                    },
                },
            ],
        };

        Message message = await client.Messages.Create(ask);

        Assert.Equal("tool_use", message.StopReason?.Raw());
        var toolUse = message.Content.Select(b => b.TryPickToolUse(out var t) ? t : null).OfType<ToolUseBlock>().Single();
        Assert.Equal("toolu_01Weather", toolUse.ID);
        Assert.Equal("get_weather", toolUse.Name);
        Assert.Equal("Paris", toolUse.Input["city"].GetString());
    }

    [Fact]
    public async Task Create_WithoutBalance_ThrowsTheSdksApiExceptionWithStatus402()
    {
        var account = await gateway.CreateAccountAsync(usd: 0m);
        using var client = Client(account);

        var ex = await Assert.ThrowsAnyAsync<AnthropicApiException>(() => client.Messages.Create(Ask("gpt-test")));

        Assert.Equal(HttpStatusCode.PaymentRequired, ex.StatusCode);
        Assert.Equal("billing_error", ex.Type?.Raw());
        Assert.Contains("balance", ex.ApiMessage);
    }

    /// <summary>A book cached for an hour in the system prompt, and the question marked for the 5-minute cache.</summary>
    private static MessageCreateParams AskWithCacheMarkers(string model) => new()
    {
        Model = model,
        MaxTokens = 100,
        System = new List<TextBlockParam> { new() { Text = "A long reference book.", CacheControl = new CacheControlEphemeral { Ttl = Ttl.Ttl1h } } },
        Messages = [new UserMessageParam(new List<ContentBlockParam> { new TextBlockParam { Text = "Summarise it.", CacheControl = new CacheControlEphemeral() } })],
    };

    // claude-cache's usage (FakeUpstream.CacheUsage): 30 x 3 + 2000 x 0.3 + 101 x 3.75 + 200 x 6 + 12 x 15 = 2448.75 micro-USD, rounded up once.
    private const long ClaudeCacheCost = 2449;

    [Fact]
    public async Task Create_WithCacheControl_ReachesAnthropicUnchangedAndReportsTheCacheUsage()
    {
        var account = await gateway.CreateAccountAsync(usd: 1m);
        using var client = Client(account);

        Message message = await client.Messages.Create(AskWithCacheMarkers("claude-cache"));

        Assert.Equal(30, message.Usage.InputTokens);
        Assert.Equal(2000, message.Usage.CacheReadInputTokens);
        Assert.Equal(301, message.Usage.CacheCreationInputTokens);
        Assert.Equal(101, message.Usage.CacheCreation!.Ephemeral5mInputTokens);
        Assert.Equal(200, message.Usage.CacheCreation.Ephemeral1hInputTokens);
        await AssertChargedExactlyAsync(account, ClaudeCacheCost);
        AssertCacheMarkersReachedClaude();
    }

    [Fact]
    public async Task CreateStreaming_WithCacheControl_ReachesAnthropicUnchangedAndReportsTheCacheUsageAtTheEnd()
    {
        var account = await gateway.CreateAccountAsync(usd: 1m);
        using var client = Client(account);
        var text = new StringBuilder();
        MessageDeltaUsage? usage = null;

        await foreach (var streamEvent in client.Messages.CreateStreaming(AskWithCacheMarkers("claude-cache")))
        {
            if (streamEvent.TryPickContentBlockDelta(out var delta) && delta.Delta.TryPickText(out var fragment))
                text.Append(fragment.Text);
            else if (streamEvent.TryPickDelta(out var messageDelta))
                usage = messageDelta.Usage;
        }

        Assert.Equal("Hello! It is sunny in Paris.", text.ToString());
        Assert.NotNull(usage);
        Assert.Equal((30L, 2000L, 301L, 12L), (usage.InputTokens, usage.CacheReadInputTokens, usage.CacheCreationInputTokens, usage.OutputTokens));
        await AssertChargedExactlyAsync(account, ClaudeCacheCost);
        AssertCacheMarkersReachedClaude();
    }

    private void AssertCacheMarkersReachedClaude()
    {
        var sent = gateway.Upstream.Received.Last(r => r.Model == "claude-cache").Body;
        Assert.Equal("""{"type":"ephemeral","ttl":"1h"}""", sent["system"]![0]!["cache_control"]!.ToJsonString());
        Assert.Equal("""{"type":"ephemeral"}""", sent["messages"]![0]!["content"]![0]!["cache_control"]!.ToJsonString());
    }

    private static readonly Tool WeatherTool = new()
    {
        Name = "get_weather",
        Description = "Current weather",
        InputSchema = new InputSchema
        {
            Properties = new Dictionary<string, JsonElement> { ["city"] = JsonSerializer.SerializeToElement(new { type = "string" }) },
            Required = ["city"],
        },
    };

    // Claude's thinking turn: 480 prompt tokens at 3 USD/M + 96 out (the thinking included) at 15, in micro-USD; its answer to the tool result is claude-test's text answer.
    private const long ClaudeThinkingCost = 480 * 3 + 96 * 15;

    // Gemini's thinking turn: 90 prompt tokens at 1 USD/M + (20 answer + 50 thought) out at 4, in micro-USD; its answer to the tool result is gemini-test's.
    private const long GeminiThinkingCost = 90 + 70 * 4;

    /// <summary>The SDK's own tool loop: the question, the assistant turn as it came (thinking with its signature, then the tool call), and the result.</summary>
    private static MessageCreateParams SecondTurn(MessageCreateParams ask, SignedThinking thinking, ToolCall toolUse) => ask with
    {
            Messages =
            [
                new UserMessageParam("Weather in Paris?"),
                new AssistantMessageParam(new List<ContentBlockParam>
                {
                    new ThinkingBlockParam { Thinking = thinking.Thinking, Signature = thinking.Signature },
                    new ToolUseBlockParam { ID = toolUse.ID, Name = toolUse.Name, Input = toolUse.Input },
                }),
                new UserMessageParam(new List<ContentBlockParam> { new ToolResultBlockParam { ToolUseID = toolUse.ID, Content = "Sunny, 21 C" } }),
            ],
    };

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task ExtendedThinkingToolLoop_GivesBackTheSignedThinkingAndAnthropicAcceptsItOnTheNextTurn(bool stream)
    {
        var account = await gateway.CreateAccountAsync(usd: 1m);
        using var client = Client(account);
        var ask = new MessageCreateParams
        {
            Model = "claude-thinking",
            MaxTokens = 4096,
            Thinking = new ThinkingConfigEnabled { BudgetTokens = 2048 },
            Tools = [WeatherTool],
            Messages = [new UserMessageParam("Weather in Paris?")],
        };

        var (thinking, toolUse) = stream ? await StreamFirstTurnAsync(client, ask) : await FirstTurnAsync(client, ask);

        Assert.Equal("The user wants the weather in Paris. I should call get_weather.", thinking.Thinking);
        Assert.Equal(FakeUpstream.ThinkingSignature, thinking.Signature);
        Assert.Equal("toolu_01Think", toolUse.ID);
        var first = gateway.Upstream.Received.Last(r => r.Model == "claude-thinking").Body;
        Assert.Equal(2048, first["thinking"]!["budget_tokens"]!.GetValue<int>());
        await AssertChargedExactlyAsync(account, ClaudeThinkingCost);

        // The SDK's own tool loop: the assistant turn as it came (thinking with signature, then tool_use), then the result.
        Message answer = await client.Messages.Create(SecondTurn(ask, thinking, toolUse));

        Assert.True(answer.Content[0].TryPickText(out var text));
        Assert.Equal("Hello! It is sunny in Paris.", text.Text);
        var second = gateway.Upstream.Received.Last(r => r.Model == "claude-thinking").Body;
        var assistant = second["messages"]![1]!["content"]!.AsArray();
        Assert.Equal(["thinking", "tool_use"], assistant.Select(b => b!["type"]!.GetValue<string>()));
        Assert.Equal(FakeUpstream.ThinkingSignature, assistant[0]!["signature"]!.GetValue<string>());
        await AssertChargedExactlyAsync(account, ClaudeThinkingCost, Plain.Single(p => p.Model == "claude-test").CostMicros);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task ExtendedThinkingToolLoop_AgainstAGeminiModel_GivesTheThoughtSignatureBackAndGeminiAcceptsTheNextTurn(bool stream)
    {
        var account = await gateway.CreateAccountAsync(usd: 1m);
        using var client = Client(account);
        var ask = new MessageCreateParams
        {
            Model = "gemini-thinking",
            MaxTokens = 1024,
            Thinking = new ThinkingConfigEnabled { BudgetTokens = 512 },
            Tools = [WeatherTool],
            Messages = [new UserMessageParam("Weather in Paris?")],
        };

        var (thinking, toolUse) = stream ? await StreamFirstTurnAsync(client, ask) : await FirstTurnAsync(client, ask);

        Assert.StartsWith("**Checking the weather**", thinking.Thinking);
        Assert.Equal("get_weather", toolUse.Name);
        await AssertChargedExactlyAsync(account, GeminiThinkingCost);

        // The SDK's own loop: the assistant turn as it came, then the result. Gemini refuses it without the call's signature.
        Message answer = await client.Messages.Create(SecondTurn(ask, thinking, toolUse));

        Assert.True(answer.Content.Last().TryPickText(out _));
        var sent = gateway.Upstream.Received.Last(r => r.Model == "gemini-thinking").Body["contents"]!.AsArray();
        var parts = sent.SelectMany(c => c!["parts"]!.AsArray()).ToList();
        Assert.Equal(FakeUpstream.GeminiThoughtSignature, parts.Single(p => p!["functionCall"] is not null)!["thoughtSignature"]!.GetValue<string>());
        // The call and its result still pair up by the id Gemini's converter gave the call, without the signature riding in it.
        Assert.Equal("get_weather", parts.Single(p => p!["functionResponse"] is not null)!["functionResponse"]!["name"]!.GetValue<string>());
        await AssertChargedExactlyAsync(account, GeminiThinkingCost, Plain.Single(p => p.Model == "gemini-test").CostMicros);
    }

    [Theory]
    [InlineData("gpt-test", false)]
    [InlineData("gpt-test", true)]
    [InlineData("gemini-test", false)]
    [InlineData("gemini-test", true)]
    public async Task CreateWithCacheControl_AgainstOpenAIAndGeminiModels_IsServedWithoutTheMarkersAndBilledExactly(string model, bool stream)
    {
        var account = await gateway.CreateAccountAsync(usd: 1m);
        using var client = Client(account);
        var expected = Plain.Single(p => p.Model == model);

        var answer = stream ? await StreamTextAsync(client, AskWithCacheMarkers(model)) : await CreateTextAsync(client, AskWithCacheMarkers(model));

        Assert.Equal(expected.Text, answer.Text);
        var sent = gateway.Upstream.Received.Last(r => r.Model == expected.UpstreamModel).Body;
        Assert.DoesNotContain("cache_control", sent.ToJsonString());
        await AssertChargedExactlyAsync(account, expected.CostMicros);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task ExtendedThinking_AgainstAnOpenAICompatibleReasoner_ReturnsItsReasoningAsAnUnsignedThinkingBlockThenTheText(bool stream)
    {
        var account = await gateway.CreateAccountAsync(usd: 1m);
        using var client = Client(account);
        var ask = Ask(ReasoningUpstreamFixture.ReasonerModel) with { MaxTokens = 4096, Thinking = new ThinkingConfigEnabled { BudgetTokens = 2048 } };

        var blocks = new List<(string Type, string Text, string? Signature)>();
        long outputTokens;
        if (stream)
        {
            var text = new StringBuilder();
            string? signature = null;
            outputTokens = 0;
            await foreach (var streamEvent in client.Messages.CreateStreaming(ask))
            {
                if (streamEvent.TryPickContentBlockStart(out var start))
                {
                    text.Clear();
                    signature = start.ContentBlock.TryPickThinking(out var opened) ? opened.Signature : null;
                    blocks.Add((start.ContentBlock.TryPickThinking(out _) ? "thinking" : start.ContentBlock.TryPickText(out _) ? "text" : "other", "", signature));
                }
                else if (streamEvent.TryPickContentBlockDelta(out var delta))
                {
                    if (delta.Delta.TryPickThinking(out var thought))
                        text.Append(thought.Thinking);
                    else if (delta.Delta.TryPickText(out var fragment))
                        text.Append(fragment.Text);
                    else if (delta.Delta.TryPickSignature(out var signed))
                        signature += signed.Signature;
                }
                else if (streamEvent.TryPickContentBlockStop(out _))
                {
                    blocks[^1] = blocks[^1] with { Text = text.ToString(), Signature = signature };
                }
                else if (streamEvent.TryPickDelta(out var messageDelta))
                {
                    outputTokens = messageDelta.Usage.OutputTokens;
                }
            }
        }
        else
        {
            Message message = await client.Messages.Create(ask);
            blocks.AddRange(message.Content.Select(b =>
                b.TryPickThinking(out var thinking) ? ("thinking", thinking.Thinking, thinking.Signature)
                : b.TryPickText(out var text) ? ("text", text.Text, (string?)null)
                : ("other", "", null)));
            outputTokens = message.Usage.OutputTokens;
        }

        // Only Anthropic signs its thinking: another provider's comes with an empty signature, so the SDK can still send it back.
        Assert.Equal([("thinking", FakeUpstream.FullReasoning, ""), ("text", FakeUpstream.FullText, null)], blocks);
        // The thinking is output: 7 answer tokens and the 9 the upstream says it thought.
        Assert.Equal(7 + FakeUpstream.ReasoningTokens, outputTokens);
        await AssertChargedExactlyAsync(account, GatewaySettings.EchoCostMicros(7 + FakeUpstream.ReasoningTokens));
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task ExtendedThinkingToolLoop_AgainstAnOpenAICompatibleReasoner_TakesTheUnsignedThinkingBackAndReachesTheAnswer(bool stream)
    {
        var account = await gateway.CreateAccountAsync(usd: 1m);
        using var client = Client(account);
        var ask = new MessageCreateParams
        {
            Model = ReasoningUpstreamFixture.ReasonerModel,
            MaxTokens = 4096,
            Thinking = new ThinkingConfigEnabled { BudgetTokens = 2048 },
            Tools = [WeatherTool],
            Messages = [new UserMessageParam("Weather in Paris?")],
        };

        var (thinking, toolUse) = stream ? await StreamFirstTurnAsync(client, ask) : await FirstTurnAsync(client, ask);

        Assert.Equal(new SignedThinking(FakeUpstream.FullReasoning, ""), thinking);
        Assert.Equal((FakeUpstream.ReasonerCallId, "get_weather", "Paris"), (toolUse.ID, toolUse.Name, toolUse.Input["city"].GetString()));

        // The SDK's own loop sends the thinking block back as it came; a server without signatures gets the call and its result, paired.
        Message answer = await client.Messages.Create(SecondTurn(ask, thinking, toolUse));

        Assert.True(answer.Content[^1].TryPickText(out var text));
        Assert.Equal(FakeUpstream.FullText, text.Text);
        var sent = gateway.Upstream.Received.Last(r => r.Model == "fake-reasoning").Body["messages"]!.AsArray();
        Assert.Equal(["user", "assistant", "tool"], sent.Select(m => m!["role"]!.GetValue<string>()));
        Assert.Null(sent[1]!["reasoning_details"]);
        Assert.Equal(FakeUpstream.ReasonerCallId, sent[1]!["tool_calls"]![0]!["id"]!.GetValue<string>());
        Assert.Equal(FakeUpstream.ReasonerCallId, sent[2]!["tool_call_id"]!.GetValue<string>());
        // Each turn's thinking billed as output: the call's 11 tokens, then the answer's 7, beside the 9 thought each time.
        await AssertChargedExactlyAsync(account,
            GatewaySettings.EchoCostMicros(FakeUpstream.ReasonerCallTokens + FakeUpstream.ReasoningTokens), GatewaySettings.EchoCostMicros(7 + FakeUpstream.ReasoningTokens));
    }

    /// <summary>What a plain question gets from a model of each provider kind: the text, the usage in Anthropic's terms, and the catalog price of that usage.</summary>
    private static readonly PlainAnswer[] Plain =
    [
        new("gpt-test", "fake-echo", FakeUpstream.FullText, 32, 10, 7, GatewaySettings.EchoCostMicros()),
        // 30 plain prompt tokens at 3 USD/M + 5 cache writes at 3.75 + 20 reads at 0.3 + 12 out at 15 = 294.75, rounded up once.
        new("claude-test", "claude-echo", "Hello! It is sunny in Paris.", 30, 20, 12, 295),
        // 24 uncached prompt tokens at 1 USD/M + 16 cached at 0.25 + (6 + 4 thinking) out at 4.
        new("gemini-test", "gemini-echo", "Hello from Gemini.", 24, 16, 10, 24 + 4 + 40),
    ];

    private static async Task<TextAnswer> CreateTextAsync(AnthropicClient client, MessageCreateParams ask)
    {
        Message message = await client.Messages.Create(ask);
        var text = string.Concat(message.Content.Select(b => b.TryPickText(out var block) ? block.Text : ""));
        return new TextAnswer(text, message.StopReason?.Raw(), message.Usage.InputTokens, message.Usage.CacheReadInputTokens ?? 0, message.Usage.OutputTokens);
    }

    /// <summary>A streamed answer's text, and the stop reason and usage its closing <c>message_delta</c> gives.</summary>
    private static async Task<TextAnswer> StreamTextAsync(AnthropicClient client, MessageCreateParams ask)
    {
        var text = new StringBuilder();
        TextAnswer? end = null;
        await foreach (var streamEvent in client.Messages.CreateStreaming(ask))
        {
            if (streamEvent.TryPickContentBlockDelta(out var delta) && delta.Delta.TryPickText(out var fragment))
                text.Append(fragment.Text);
            else if (streamEvent.TryPickDelta(out var messageDelta))
                end = new TextAnswer("", messageDelta.Delta.StopReason?.Raw(), messageDelta.Usage.InputTokens ?? 0, messageDelta.Usage.CacheReadInputTokens ?? 0, messageDelta.Usage.OutputTokens);
        }
        Assert.NotNull(end);
        return end with { Text = text.ToString() };
    }

    private sealed record PlainAnswer(string Model, string UpstreamModel, string Text, long InputTokens, long CacheReadTokens, long OutputTokens, long CostMicros);

    private sealed record TextAnswer(string Text, string? StopReason, long InputTokens, long CacheReadTokens, long OutputTokens);

    private static async Task<(SignedThinking Thinking, ToolCall ToolUse)> FirstTurnAsync(AnthropicClient client, MessageCreateParams ask)
    {
        Message message = await client.Messages.Create(ask);
        Assert.Equal("tool_use", message.StopReason?.Raw());
        Assert.True(message.Content[0].TryPickThinking(out var thinking));
        Assert.True(message.Content[1].TryPickToolUse(out var toolUse));
        return (new SignedThinking(thinking.Thinking, thinking.Signature), new ToolCall(toolUse.ID, toolUse.Name, toolUse.Input.ToDictionary()));
    }

    private static async Task<(SignedThinking Thinking, ToolCall ToolUse)> StreamFirstTurnAsync(AnthropicClient client, MessageCreateParams ask)
    {
        var thinking = new StringBuilder();
        var signature = "";
        var arguments = new StringBuilder();
        string? id = null, name = null;
        var blockTypes = new List<string>();
        await foreach (var streamEvent in client.Messages.CreateStreaming(ask))
        {
            if (streamEvent.TryPickContentBlockStart(out var start))
            {
                blockTypes.Add(start.ContentBlock.TryPickThinking(out _) ? "thinking" : start.ContentBlock.TryPickToolUse(out var tool) ? "tool_use" : "other");
                if (start.ContentBlock.TryPickToolUse(out var started))
                    (id, name) = (started.ID, started.Name);
            }
            else if (streamEvent.TryPickContentBlockDelta(out var delta))
            {
                if (delta.Delta.TryPickThinking(out var fragment))
                    thinking.Append(fragment.Thinking);
                else if (delta.Delta.TryPickSignature(out var signed))
                    signature += signed.Signature;
                else if (delta.Delta.TryPickInputJson(out var json))
                    arguments.Append(json.PartialJson);
            }
        }
        Assert.Equal(["thinking", "tool_use"], blockTypes);
        var input = JsonSerializer.Deserialize<Dictionary<string, JsonElement>>(arguments.ToString())!;
        return (new SignedThinking(thinking.ToString(), signature), new ToolCall(id!, name!, input));
    }

    private sealed record SignedThinking(string Thinking, string Signature);

    private sealed record ToolCall(string ID, string Name, Dictionary<string, JsonElement> Input);
}
