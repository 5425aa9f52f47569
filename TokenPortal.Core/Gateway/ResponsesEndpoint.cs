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
    /// <summary>Chat parameters the Responses request wrote, by the name the client used for them.</summary>
    private static readonly Dictionary<string, string> ClientNames = new()
    {
        ["messages"] = "input",
        ["response_format"] = "text.format",
        ["reasoning_effort"] = "reasoning.effort",
        ["verbosity"] = "text.verbosity",
        ["max_tokens"] = "max_output_tokens",
    };

    public string Name => "responses";

    public ModelKind ModelKind => ModelKind.Chat;

    public IClientDialect Dialect { get; } = new ResponsesDialect(clock);

    public ParsedRequest Parse(ReadOnlyMemory<byte> body, TokenCounter tokens) => ResponsesRequestReader.Read(body, tokens);

    public HttpRequestMessage CreateUpstreamRequest(IProviderAdapter adapter, UpstreamCall call)
    {
        try
        {
            return chat.CreateUpstreamRequest(adapter, call);
        }
        catch (UnsupportedRequestException ex) when (ex.Error.Param is { } param && ClientNames.TryGetValue(param, out var clientName))
        {
            // "Anthropic models do not support 'response_format'" names what the client sent: 'text.format'.
            throw new UnsupportedRequestException(ex.Error.Message.Replace($"'{param}'", $"'{clientName}'", StringComparison.Ordinal), clientName.Split('.')[0]);
        }
    }
}
