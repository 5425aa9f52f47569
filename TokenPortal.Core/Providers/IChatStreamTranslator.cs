using TokenPortal.Core.Gateway.Sse;

namespace TokenPortal.Core.Providers;

/// <summary>Turns a provider's stream events into OpenAI <c>chat.completion.chunk</c> payloads, one stream at a time.</summary>
public interface IChatStreamTranslator
{
    /// <summary>Adds zero or more OpenAI chunk payloads for <paramref name="upstreamEvent"/>; false once the stream is complete.</summary>
    bool Translate(SseEvent upstreamEvent, List<ReadOnlyMemory<byte>> chunks);

    /// <summary>
    /// Called when the upstream stream ends without a terminating event: adds any last chunks and says
    /// whether the answer was complete (Gemini's streams simply end; OpenAI's and Anthropic's end with an event).
    /// </summary>
    bool TryFinish(List<ReadOnlyMemory<byte>> chunks) => false;
}
