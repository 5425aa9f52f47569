using System.Buffers;

namespace TokenPortal.Core.Gateway.Dialects;

/// <summary>OpenAI's SSE: <c>data: {chunk}</c> per event, <c>data: [DONE]</c> at the end, an <c>error</c> event on failure.</summary>
public sealed class OpenAIStreamEncoder : IStreamEncoder
{
    public static readonly OpenAIStreamEncoder Instance = new();

    public void WriteChunk(ReadOnlySpan<byte> openAIChunk, IBufferWriter<byte> output) => WriteData(openAIChunk, output);

    public void WriteEnd(IBufferWriter<byte> output) => WriteData("[DONE]"u8, output);

    public void WriteError(GatewayError error, IBufferWriter<byte> output)
    {
        output.Write("event: error\n"u8);
        WriteData(GatewayErrorWriter.ToJson(error), output);
    }

    private static void WriteData(ReadOnlySpan<byte> payload, IBufferWriter<byte> output)
    {
        output.Write("data: "u8);
        output.Write(payload);
        output.Write("\n\n"u8);
    }
}
