using System.Buffers;
using Microsoft.AspNetCore.Http;

namespace TokenPortal.Core.Gateway.Dialects;

/// <summary>OpenAI clients: the gateway's own shape, written as it is.</summary>
public sealed class OpenAIDialect : IClientDialect
{
    public static readonly OpenAIDialect Instance = new();

    public void WriteCompletion(ReadOnlySpan<byte> openAICompletion, IBufferWriter<byte> output) => output.Write(openAICompletion);

    public IStreamEncoder CreateStreamEncoder() => OpenAIStreamEncoder.Instance;

    public Task WriteErrorAsync(HttpContext context, GatewayError error) => GatewayErrorWriter.WriteAsync(context, error);
}
