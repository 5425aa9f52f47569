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

    /// <summary>
    /// The stream ended without its usage chunk (cut off, or left early): adds a usage chunk with whatever counts the
    /// provider has reported so far (Anthropic's <c>message_start</c>, Gemini's earlier chunks), or nothing.
    /// </summary>
    void WriteKnownUsage(List<ReadOnlyMemory<byte>> chunks)
    {
    }
}
