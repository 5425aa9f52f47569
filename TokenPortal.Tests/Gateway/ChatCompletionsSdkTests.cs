using System.ClientModel;
using System.Text;
using OpenAI;
using OpenAI.Chat;
using TokenPortal.Core.Data.Entities;

namespace TokenPortal.Tests.Gateway;

/// <summary>The official OpenAI .NET SDK, unchanged, against the gateway.</summary>
public sealed class ChatCompletionsSdkTests(GatewayFixture gateway) : IClassFixture<GatewayFixture>
{
    private ChatClient Client(TestAccount account, string model = "gpt-test", string basePath = "v1") =>
        new(model, new ApiKeyCredential(account.Key), new OpenAIClientOptions { Endpoint = new Uri(gateway.BaseAddress, basePath) });

    [Fact]
    public async Task CompleteChat_NonStreaming_ReturnsAnswerAndChargesExactUsage()
    {
        var account = await gateway.CreateAccountAsync(usd: 10m);

        ChatCompletion completion = await Client(account).CompleteChatAsync([new UserChatMessage("Say hello")]);

        Assert.Equal(FakeUpstream.FullText, completion.Content[0].Text);
        Assert.Equal("gpt-test", completion.Model);
        Assert.Equal(FakeUpstream.PromptTokens, completion.Usage.InputTokenCount);
        Assert.Equal(7, completion.Usage.OutputTokenCount);
        Assert.Equal(FakeUpstream.CachedTokens, completion.Usage.InputTokenDetails.CachedTokenCount);

        var cost = GatewaySettings.EchoCostMicros();
        Assert.Equal(10_000_000 - cost, await gateway.BalanceAsync(account));
        var entries = await gateway.LedgerEntriesAsync(account);
        Assert.Equal(-cost, Assert.Single(entries, e => e.Kind == LedgerEntryKind.Settle).AmountMicros);
        await gateway.AssertBooksBalanceAsync(account);
    }

    [Theory]
    [InlineData("claude-thinking")]
    [InlineData("gemini-thinking")]
    public async Task CompleteChat_WithAReasoningEffort_ThinksUpstream_AndReportsTheReasoningTokensItBills(string model)
    {
        var account = await gateway.CreateAccountAsync(usd: 10m);
#pragma warning disable OPENAI001 // the SDK marks reasoning effort experimental
        var options = new ChatCompletionOptions { ReasoningEffortLevel = ChatReasoningEffortLevel.Low };
#pragma warning restore OPENAI001

        ChatCompletion completion = await Client(account, model).CompleteChatAsync([new UserChatMessage("Weather in Paris?")], options);

        // Both fakes answer this first turn with a thought and a tool call.
        Assert.Equal(ChatFinishReason.ToolCalls, completion.FinishReason);
        Assert.Equal("get_weather", Assert.Single(completion.ToolCalls).FunctionName);
        Assert.InRange(completion.Usage.OutputTokenDetails.ReasoningTokenCount, 1, completion.Usage.OutputTokenCount);
        var sent = gateway.Upstream.Received.Last(r => r.Model == model).Body;
        Assert.Equal(1024, model.StartsWith("claude", StringComparison.Ordinal)
            ? sent["thinking"]!["budget_tokens"]!.GetValue<int>()
            : sent["generationConfig"]!["thinkingConfig"]!["thinkingBudget"]!.GetValue<int>());
        // Thinking is output, billed at the output price: Gemini's 90 in x 1 + (20 + 50 thought) out x 4; Claude's output x 15 at least.
        var settle = -Assert.Single(await gateway.LedgerEntriesAsync(account), e => e.Kind == LedgerEntryKind.Settle).AmountMicros;
        if (model.StartsWith("gemini", StringComparison.Ordinal))
            Assert.Equal(370, settle);
        else
            Assert.True(settle >= completion.Usage.OutputTokenCount * 15, $"{settle} micro-USD for {completion.Usage.OutputTokenCount} output tokens");
        Assert.Equal(10_000_000 - settle, await gateway.BalanceAsync(account));
        await gateway.AssertBooksBalanceAsync(account);
    }

    [Fact]
    public async Task CompleteChatStreaming_RelaysEveryChunkAndChargesExactUsage()
    {
        var account = await gateway.CreateAccountAsync(usd: 10m);
        var text = new StringBuilder();
        ChatTokenUsage? usage = null;
        var updates = 0;

        await foreach (var update in Client(account).CompleteChatStreamingAsync([new UserChatMessage("Say hello")]))
        {
            updates++;
            foreach (var part in update.ContentUpdate)
                text.Append(part.Text);
            usage ??= update.Usage;
            Assert.Equal("gpt-test", update.Model);
        }

        Assert.Equal(FakeUpstream.FullText, text.ToString());
        Assert.True(updates >= FakeUpstream.Words.Length);
        Assert.NotNull(usage);
        Assert.Equal(FakeUpstream.PromptTokens, usage.InputTokenCount);
        Assert.Equal(7, usage.OutputTokenCount);
        Assert.Equal(FakeUpstream.CachedTokens, usage.InputTokenDetails.CachedTokenCount);
        Assert.Equal(10_000_000 - GatewaySettings.EchoCostMicros(), await gateway.BalanceAsync(account));
        await gateway.AssertBooksBalanceAsync(account);
    }

    [Fact]
    public async Task CompleteChat_ThroughApiV1AliasAndModelAlias_Works()
    {
        var account = await gateway.CreateAccountAsync();

        ChatCompletion completion = await Client(account, model: "Test GPT", basePath: "api/v1").CompleteChatAsync([new UserChatMessage("hi")]);

        Assert.Equal("gpt-test", completion.Model);
        Assert.Equal(FakeUpstream.FullText, completion.Content[0].Text);
    }

    [Fact]
    public async Task CompleteChat_DeepSeekCacheHits_AreBilledAtTheCachedPrice()
    {
        var account = await gateway.CreateAccountAsync(usd: 1m);

        ChatCompletion completion = await Client(account, "deepseek").CompleteChatAsync([new UserChatMessage("hi")]);

        Assert.Equal(30, completion.Usage.InputTokenDetails.CachedTokenCount);
        // 12 uncached x 2 + 30 cached x 0.5 + 7 out x 8 micro-USD.
        Assert.Equal(1_000_000 - (12 * 2 + 15 + 56), await gateway.BalanceAsync(account));
    }

    [Fact]
    public async Task CompleteChat_UnknownModel_ThrowsNotFoundWithoutCharging()
    {
        var account = await gateway.CreateAccountAsync(usd: 1m);

        var ex = await Assert.ThrowsAsync<ClientResultException>(() => Client(account, model: "no-such-model").CompleteChatAsync([new UserChatMessage("hi")]));

        Assert.Equal(404, ex.Status);
        Assert.Equal(1_000_000, await gateway.BalanceAsync(account));
    }
}
