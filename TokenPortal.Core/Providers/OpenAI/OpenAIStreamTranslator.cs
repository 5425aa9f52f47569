using TokenPortal.Core.Gateway.Sse;

namespace TokenPortal.Core.Providers.OpenAI;

/// <summary>OpenAI streams are already OpenAI chunks: pass each through until <c>[DONE]</c>.</summary>
internal sealed class OpenAIStreamTranslator : IChatStreamTranslator
{
    public static readonly OpenAIStreamTranslator Instance = new();

    public bool Translate(SseEvent upstreamEvent, List<ReadOnlyMemory<byte>> chunks)
    {
        if (upstreamEvent.Data.Span.Trim(" \t\r\n"u8).SequenceEqual("[DONE]"u8))
            return false;
        chunks.Add(upstreamEvent.Data);
        return true;
    }
}
