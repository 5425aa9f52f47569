using System.Buffers;
using System.Text;
using TokenPortal.Core.Gateway;
using TokenPortal.Core.Protocol.Anthropic;

namespace TokenPortal.Tests.Protocol.Anthropic;

/// <summary>Golden test for the inbound direction: OpenAI chunks from any provider as Anthropic's event sequence.</summary>
public sealed class AnthropicStreamEncoderTests
{
    internal static string Encode(IEnumerable<string> chunks, GatewayError? error = null)
    {
        var encoder = AnthropicDialect.Instance.CreateStreamEncoder();
        var output = new ArrayBufferWriter<byte>();
        foreach (var chunk in chunks)
            encoder.WriteChunk(Encoding.UTF8.GetBytes(chunk), output);
        if (error is null)
            encoder.WriteEnd(output);
        else
            encoder.WriteError(error, output);
        return Encoding.UTF8.GetString(output.WrittenSpan);
    }

    [Fact]
    public async Task ToolCallStream_MatchesTheGoldenEvents()
    {
        var chunks = (await File.ReadAllLinesAsync(FakeUpstream.TestData("Inbound/openai-tool-stream.jsonl"))).Where(l => l.Length > 0);
        var expected = await File.ReadAllTextAsync(FakeUpstream.TestData("Inbound/anthropic-tool-stream.expected.sse"));

        Assert.Equal(expected, Encode(chunks));
    }

    [Fact]
    public void FailureAfterTheFirstChunk_EndsWithAnAnthropicErrorEvent()
    {
        var events = Encode(["""{"id":"c","model":"m","choices":[{"index":0,"delta":{"content":"Hi"}}]}"""], GatewayError.Upstream("The provider's stream was cut off."));

        Assert.StartsWith("event: message_start\n", events);
        Assert.EndsWith("event: error\ndata: {\"type\":\"error\",\"error\":{\"type\":\"api_error\",\"message\":\"The provider's stream was cut off.\"}}\n\n", events);
        Assert.DoesNotContain("message_stop", events);
    }

    [Fact]
    public async Task ThinkingThenToolCall_BecomesASignedThinkingBlockThenAToolUseBlock()
    {
        // The chunks the Anthropic translator makes of a thinking + tool_use stream, back in Anthropic's events.
        var chunks = (await File.ReadAllLinesAsync(FakeUpstream.TestData("Anthropic/thinking-tool-stream.expected.jsonl"))).Where(l => l.Length > 0);

        var events = Encode(chunks).Split("\n\n", StringSplitOptions.RemoveEmptyEntries)
            .Select(e => System.Text.Json.Nodes.JsonNode.Parse(e[(e.IndexOf("data: ", StringComparison.Ordinal) + 6)..])!).ToList();

        var starts = events.Where(e => e["type"]!.GetValue<string>() == "content_block_start").ToList();
        Assert.Equal(["thinking", "tool_use"], starts.Select(e => e["content_block"]!["type"]!.GetValue<string>()));
        Assert.Equal([0, 1], starts.Select(e => e["index"]!.GetValue<int>()));
        var deltas = events.Where(e => e["type"]!.GetValue<string>() == "content_block_delta").Select(e => e["delta"]!).ToList();
        Assert.Equal("The user wants the weather in Paris. I should call get_weather.",
            string.Concat(deltas.Where(d => d["type"]!.GetValue<string>() == "thinking_delta").Select(d => d["thinking"]!.GetValue<string>())));
        Assert.Equal(FakeUpstream.ThinkingSignature, deltas.Single(d => d["type"]!.GetValue<string>() == "signature_delta")["signature"]!.GetValue<string>());
        var signatureEvent = events.Single(e => e["delta"]?["type"]?.GetValue<string>() == "signature_delta");
        Assert.Equal(0, signatureEvent["index"]!.GetValue<int>());
        Assert.Equal("{\"city\": \"Paris\"}", string.Concat(deltas.Where(d => d["type"]!.GetValue<string>() == "input_json_delta").Select(d => d["partial_json"]!.GetValue<string>())));
    }

    [Fact]
    public void RedactedThinking_IsARedactedBlockOfItsOwnWithItsData()
    {
        var events = Encode([
            """{"id":"c","model":"m","choices":[{"index":0,"delta":{"reasoning_details":[{"type":"reasoning.encrypted","data":"EmwKAhgB","format":"anthropic-claude-v1"}]}}]}""",
            """{"id":"c","model":"m","choices":[{"index":0,"delta":{"content":"Hi"}}]}""",
        ]);

        Assert.Contains("\"index\":0,\"content_block\":{\"type\":\"redacted_thinking\",\"data\":\"EmwKAhgB\"}", events);
        Assert.Contains("\"index\":1,\"content_block\":{\"type\":\"text\"", events);
    }
}
