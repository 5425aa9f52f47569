using TokenPortal.Core.Gateway.Sse;

namespace TokenPortal.Core.Providers;

/// <summary>Turns a provider's stream events into OpenAI <c>chat.completion.chunk</c> payloads, one stream at a time.</summary>
public interface IChatStreamTranslator
{
    /// <summary>Adds zero or more OpenAI chunk payloads for <paramref name="upstreamEvent"/>; false once the stream is complete.</summary>
    bool Translate(SseEvent upstreamEvent, List<ReadOnlyMemory<byte>> chunks);
}
