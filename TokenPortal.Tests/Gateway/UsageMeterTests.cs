using System.Text;
using TokenPortal.Core.Billing;
using TokenPortal.Core.Catalog;
using TokenPortal.Core.Configuration;
using TokenPortal.Core.Gateway;
using TokenPortal.Core.Protocol.OpenAI;
using TokenPortal.Core.Providers;

namespace TokenPortal.Tests.Gateway;

public sealed class UsageMeterTests
{
    private static readonly TokenCounter Tokens = new();

    private static UpstreamCall Call(bool reasoning, int outputBound = 500)
    {
        var channel = new CatalogChannel(1, new CatalogProvider(1, "p", ProviderKind.OpenAI, new Uri("http://127.0.0.1/"), [], TimeSpan.FromSeconds(5)), "m", 1, 0);
        return new(new CatalogModel("m", [channel], ModelKind.Chat, new ModelPrice(1, 1, 1), 1000, []) { Reasoning = reasoning }, channel, null,
            new RequestInfo("m", false, false, null, 1, EstimatedInputTokens: 30, Images: 1), ReadOnlyMemory<byte>.Empty, outputBound);
    }

    private static PayloadScan Scan(string json) => OpenAIPayloadScanner.Scan(Encoding.UTF8.GetBytes(json), null);

    [Fact]
    public void Complete_UsageReportedInFull_IsTakenAsIs()
    {
        var metered = UsageMeter.Complete(Scan("""{"usage":{"prompt_tokens":12,"completion_tokens":3,"prompt_tokens_details":{"cached_tokens":4}}}"""),
            Call(reasoning: true), Tokens, new StringBuilder("whatever was seen"));

        Assert.Equal(new MeteredUsage(new TokenUsage(12, 3, 4), UsageParts.Both), metered);
        Assert.False(metered.Estimated);
    }

    [Fact]
    public void Complete_NoUsage_PromptIsTheRequestsBoundWithItsImages_CompletionTheTextSeen()
    {
        var metered = UsageMeter.Complete(default, Call(reasoning: false), Tokens, new StringBuilder("Hello there"));

        Assert.Equal(30 + ImageTokenBounds.OpenAI, metered.Usage.PromptTokens);
        Assert.Equal(2, metered.Usage.CompletionTokens);
        Assert.True(metered.Estimated);
        Assert.Equal(new TokenUsage(0, 0, 0), metered.ReportedOnly);
    }

    [Fact]
    public void Complete_OnlyThePromptReported_WithReasoningTokens_BillsTheTextSeenPlusTheReasoning()
    {
        var metered = UsageMeter.Complete(Scan("""{"usage":{"prompt_tokens":12,"completion_tokens_details":{"reasoning_tokens":40}}}"""),
            Call(reasoning: true), Tokens, new StringBuilder("Hello there"));

        Assert.Equal(new TokenUsage(12, 2 + 40, 0), metered.Usage);
        Assert.Equal(UsageParts.Prompt, metered.Reported);
        Assert.Equal(new TokenUsage(12, 0, 0), metered.ReportedOnly);
    }

    [Fact]
    public void Complete_ReasoningModelWithoutAnyCount_BillsTheWholeOutputBound()
    {
        var metered = UsageMeter.Complete(default, Call(reasoning: true, outputBound: 500), Tokens, new StringBuilder("Hello there"));

        Assert.Equal(500, metered.Usage.CompletionTokens);
    }
}
