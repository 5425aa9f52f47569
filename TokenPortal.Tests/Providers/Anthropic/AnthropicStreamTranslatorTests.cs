using System.Text;
using System.Text.Json.Nodes;
using Microsoft.Extensions.Time.Testing;
using TokenPortal.Core.Gateway;
using TokenPortal.Core.Gateway.Sse;
using TokenPortal.Core.Providers.Anthropic;

namespace TokenPortal.Tests.Providers.Anthropic;

/// <summary>Golden tests: recorded Anthropic streams against the OpenAI chunks they must become.</summary>
public sealed class AnthropicStreamTranslatorTests
{
    private static async Task<List<JsonNode>> TranslateAsync(string recording)
    {
        await using var file = File.OpenRead(FakeUpstream.TestData($"Anthropic/{recording}"));
        using var activity = new ActivityTimeout(TimeSpan.FromSeconds(30), new FakeTimeProvider());
        var translator = new AnthropicStreamTranslator(created: 1700000000);
        var chunks = new List<ReadOnlyMemory<byte>>();
        var output = new List<JsonNode>();
        await foreach (var upstreamEvent in SseReader.ReadAsync(file, activity))
        {
            chunks.Clear();
            var more = translator.Translate(upstreamEvent, chunks);
            output.AddRange(chunks.Select(c => JsonNode.Parse(c.Span)!));
            if (!more)
                break;
        }
        return output;
    }

    [Theory]
    [InlineData("tool-stream")]
    // Thinking (thinking_delta, signature_delta) in block 0, then tool_use in block 1: reasoning_content, the signature in
    // reasoning_details, and the tool call still at OpenAI index 0.
    [InlineData("thinking-tool-stream")]
    public async Task ToolUseStream_MatchesTheGoldenChunks(string recording)
    {
        var expected = (await File.ReadAllLinesAsync(FakeUpstream.TestData($"Anthropic/{recording}.expected.jsonl")))
            .Where(l => l.Length > 0).Select(l => JsonNode.Parse(l)!).ToList();

        var actual = await TranslateAsync($"{recording}.sse");

        Assert.Equal(expected.Count, actual.Count);
        for (var i = 0; i < expected.Count; i++)
            Assert.True(JsonNode.DeepEquals(expected[i], actual[i]), $"chunk {i}:\nexpected {expected[i].ToJsonString()}\nactual   {actual[i].ToJsonString()}");
    }

    [Fact]
    public async Task TextStream_ReportsCacheReadsAsCachedAndAllCacheTokensAsPrompt()
    {
        var chunks = await TranslateAsync("text-stream.sse");

        Assert.Equal("Hello! It is sunny in Paris.", string.Concat(chunks.Select(c => c["choices"]!.AsArray().FirstOrDefault()?["delta"]?["content"]?.GetValue<string>())));
        Assert.Equal("stop", chunks[^2]["choices"]![0]!["finish_reason"]!.GetValue<string>());
        var usage = chunks[^1]["usage"]!;
        Assert.Equal(55, usage["prompt_tokens"]!.GetValue<int>());
        Assert.Equal(20, usage["prompt_tokens_details"]!["cached_tokens"]!.GetValue<int>());
        Assert.Equal(12, usage["completion_tokens"]!.GetValue<int>());
    }

    [Fact]
    public void ErrorEvent_BecomesAnErrorPayloadAndEndsTheStream()
    {
        var translator = new AnthropicStreamTranslator(1700000000);
        var chunks = new List<ReadOnlyMemory<byte>>();

        var more = translator.Translate(new SseEvent("error", Encoding.UTF8.GetBytes("""{"type":"error","error":{"type":"overloaded_error","message":"Overloaded"}}""")), chunks);

        Assert.False(more);
        Assert.Equal("Overloaded", JsonNode.Parse(chunks.Single().Span)!["error"]!["message"]!.GetValue<string>());
    }
}
