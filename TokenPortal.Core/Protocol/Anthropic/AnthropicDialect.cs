using System.Buffers;
using Microsoft.AspNetCore.Http;
using TokenPortal.Core.Gateway;
using TokenPortal.Core.Gateway.Dialects;

namespace TokenPortal.Core.Protocol.Anthropic;

/// <summary>Clients of <c>/v1/messages</c>: answers, streams and errors in Anthropic's shapes.</summary>
public sealed class AnthropicDialect : IClientDialect
{
    public static readonly AnthropicDialect Instance = new();

    public void WriteCompletion(ReadOnlySpan<byte> openAICompletion, IBufferWriter<byte> output) => AnthropicMessageWriter.Write(openAICompletion, output);

    public IStreamEncoder CreateStreamEncoder() => new AnthropicStreamEncoder();

    public Task WriteErrorAsync(HttpContext context, GatewayError error) => AnthropicErrorWriter.WriteAsync(context, error);
}
