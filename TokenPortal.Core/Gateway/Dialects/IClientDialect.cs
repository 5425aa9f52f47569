using System.Buffers;
using Microsoft.AspNetCore.Http;

namespace TokenPortal.Core.Gateway.Dialects;

/// <summary>
/// The protocol the client speaks. The gateway works in OpenAI's shape throughout; a dialect turns
/// the finished answer, the stream and the errors into what the client expects.
/// </summary>
public interface IClientDialect
{
    /// <summary>Writes a complete OpenAI chat completion (model and usage already filled in) in the client's shape.</summary>
    void WriteCompletion(ReadOnlySpan<byte> openAICompletion, IBufferWriter<byte> output);

    /// <summary>A fresh encoder for one streamed answer.</summary>
    IStreamEncoder CreateStreamEncoder();

    Task WriteErrorAsync(HttpContext context, GatewayError error);
}
