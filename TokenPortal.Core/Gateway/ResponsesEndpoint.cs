using TokenPortal.Core.Configuration;
using TokenPortal.Core.Gateway.Dialects;
using TokenPortal.Core.Protocol.Responses;
using TokenPortal.Core.Providers;

namespace TokenPortal.Core.Gateway;

/// <summary>
/// <c>POST /v1/responses</c>: OpenAI's Responses API, served from every chat model. The request runs as an OpenAI chat
/// request (for OpenAI models too), so limits, reservation, billing and the request log are chat's; the answer, the
/// stream and errors are put back in the Responses shapes.
/// </summary>
public sealed class ResponsesEndpoint(ChatCompletionsEndpoint chat, TimeProvider clock) : IGatewayEndpoint
{
    public ModelKind ModelKind => ModelKind.Chat;

    public IClientDialect Dialect { get; } = new ResponsesDialect(clock);

    public ParsedRequest Parse(ReadOnlyMemory<byte> body, TokenCounter tokens) => ResponsesRequestReader.Read(body, tokens);

    public HttpRequestMessage CreateUpstreamRequest(IProviderAdapter adapter, UpstreamCall call) => chat.CreateUpstreamRequest(adapter, call);
}
