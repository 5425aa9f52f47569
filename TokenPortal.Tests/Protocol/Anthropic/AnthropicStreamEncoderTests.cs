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
}
