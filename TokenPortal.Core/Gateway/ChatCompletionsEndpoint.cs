using TokenPortal.Core.Configuration;
using TokenPortal.Core.Gateway.Dialects;
using TokenPortal.Core.Providers;

namespace TokenPortal.Core.Gateway;

/// <summary><c>POST /v1/chat/completions</c>: OpenAI in, OpenAI out, whole or streamed.</summary>
public sealed class ChatCompletionsEndpoint : IGatewayEndpoint
{
    public string Name => "chat/completions";

    public ModelKind ModelKind => ModelKind.Chat;

    public ParsedRequest Parse(ReadOnlyMemory<byte> body, TokenCounter tokens)
    {
        var info = ChatRequestReader.Read(body.Span, tokens, out var error);
        return error is null ? new ParsedRequest(info, body, null) : ParsedRequest.Invalid(error);
    }

    public HttpRequestMessage CreateUpstreamRequest(IProviderAdapter adapter, UpstreamCall call) => adapter.CreateChatRequest(call);

    public IClientDialect Dialect => OpenAIDialect.Instance;
}
