using System.Buffers;
using Microsoft.AspNetCore.Http;
using TokenPortal.Core.Gateway;
using TokenPortal.Core.Gateway.Dialects;

namespace TokenPortal.Core.Protocol.Responses;

/// <summary>
/// Clients of <c>/v1/responses</c>: answers as Response objects, streams as the Responses API's typed events, and
/// errors in OpenAI's envelope (the Responses API shares it with chat). Each answer gets a fresh <c>resp_</c> id:
/// nothing is stored under it.
/// </summary>
public sealed class ResponsesDialect(TimeProvider clock) : IClientDialect
{
    public void WriteCompletion(ReadOnlySpan<byte> openAICompletion, IBufferWriter<byte> output) =>
        ResponsesWriter.Write(openAICompletion, new ResponseHeader("resp_" + NewToken(), clock.GetUtcNow().ToUnixTimeSeconds(), ""), output);

    public IStreamEncoder CreateStreamEncoder() => new ResponsesStreamEncoder(NewToken(), clock);

    public Task WriteErrorAsync(HttpContext context, GatewayError error) => GatewayErrorWriter.WriteAsync(context, error);

    /// <summary>32 hex digits, time-ordered like the gateway's request ids.</summary>
    private static string NewToken() => Guid.CreateVersion7().ToString("N");
}
