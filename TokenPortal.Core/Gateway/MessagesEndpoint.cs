using TokenPortal.Core.Configuration;
using TokenPortal.Core.Gateway.Dialects;
using TokenPortal.Core.Protocol.Anthropic;
using TokenPortal.Core.Providers;

namespace TokenPortal.Core.Gateway;

/// <summary>
/// <c>POST /v1/messages</c>: Anthropic's Messages schema in and out, to any provider. The request runs
/// as an OpenAI chat request; the answer, stream and errors are put back in Anthropic's shapes.
/// </summary>
public sealed class MessagesEndpoint(ChatCompletionsEndpoint chat) : IGatewayEndpoint
{
    public string Name => "messages";

    public ModelKind ModelKind => ModelKind.Chat;

    public IClientDialect Dialect => AnthropicDialect.Instance;

    public ParsedRequest Parse(ReadOnlyMemory<byte> body, TokenCounter tokens) => AnthropicRequestReader.Read(body, tokens);

    public HttpRequestMessage CreateUpstreamRequest(IProviderAdapter adapter, UpstreamCall call) => chat.CreateUpstreamRequest(adapter, call);
}
