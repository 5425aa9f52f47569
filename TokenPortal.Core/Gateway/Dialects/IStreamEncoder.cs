using System.Buffers;

namespace TokenPortal.Core.Gateway.Dialects;

/// <summary>Writes one streamed answer, fed OpenAI chunks as they arrive, in the client's event format.</summary>
public interface IStreamEncoder
{
    void WriteChunk(ReadOnlySpan<byte> openAIChunk, IBufferWriter<byte> output);

    /// <summary>The successful end of the stream.</summary>
    void WriteEnd(IBufferWriter<byte> output);

    /// <summary>A failure after the first byte: an error event, after which the stream ends.</summary>
    void WriteError(GatewayError error, IBufferWriter<byte> output);
}
