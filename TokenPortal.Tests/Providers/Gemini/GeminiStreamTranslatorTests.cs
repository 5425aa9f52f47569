using System.Text.Json.Nodes;
using Microsoft.Extensions.Time.Testing;
using TokenPortal.Core.Gateway;
using TokenPortal.Core.Gateway.Sse;
using TokenPortal.Core.Providers.Gemini;

namespace TokenPortal.Tests.Providers.Gemini;

/// <summary>Golden test: a recorded Gemini stream (CRLF-separated, no closing event) against the OpenAI chunks it must become.</summary>
public sealed class GeminiStreamTranslatorTests
{
    [Theory]
    [InlineData("tool-stream")]
    // A thought summary, then a function call with its thoughtSignature: reasoning_content, the call at index 0 with the
    // signature in extra_content.google.thought_signature, and the thoughts billed as output (20 + 50) and said as reasoning.
    [InlineData("thinking-tool-stream")]
    public async Task ToolStream_MatchesTheGoldenChunks(string recording)
    {
        var expected = (await File.ReadAllLinesAsync(FakeUpstream.TestData($"Gemini/{recording}.expected.jsonl")))
            .Where(l => l.Length > 0).Select(l => JsonNode.Parse(l)!).ToList();
        await using var file = File.OpenRead(FakeUpstream.TestData($"Gemini/{recording}.sse"));
        using var activity = new ActivityTimeout(TimeSpan.FromSeconds(30), new FakeTimeProvider());
        var translator = new GeminiStreamTranslator("gemini-x", 1700000000);
        var chunks = new List<ReadOnlyMemory<byte>>();

        await foreach (var upstreamEvent in SseReader.ReadAsync(file, activity))
            Assert.True(translator.Translate(upstreamEvent, chunks));
        Assert.True(translator.TryFinish(chunks));

        var actual = chunks.Select(c => JsonNode.Parse(c.Span)!.AsObject()).ToList();
        Assert.Equal(expected.Count, actual.Count);
        for (var i = 0; i < expected.Count; i++)
        {
            Assert.StartsWith("chatcmpl-", actual[i]["id"]!.GetValue<string>());
            actual[i].Remove("id");
            Assert.True(JsonNode.DeepEquals(expected[i], actual[i]), $"chunk {i}:\nexpected {expected[i].ToJsonString()}\nactual   {actual[i].ToJsonString()}");
        }
    }

    [Fact]
    public void StreamThatNeverFinished_IsNotComplete()
    {
        var translator = new GeminiStreamTranslator("gemini-x", 1700000000);
        var chunks = new List<ReadOnlyMemory<byte>>();
        translator.Translate(new SseEvent(null, """{"candidates":[{"content":{"parts":[{"text":"Hel"}]},"index":0}]}"""u8.ToArray()), chunks);

        Assert.False(translator.TryFinish(chunks));
    }
}
