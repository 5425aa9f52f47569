using System.Net.Http.Headers;
using TokenPortal.Core.Gateway;

namespace TokenPortal.Core.Providers.Anthropic;

/// <summary>Anthropic's Messages API: <c>POST {BaseUrl}/v1/messages</c> with <c>x-api-key</c> and <c>anthropic-version</c>.</summary>
/// <param name="tokens">Counts the thinking Anthropic returns, for <c>reasoning_tokens</c> (Anthropic reports none of its own).</param>
internal sealed class AnthropicAdapter(TimeProvider clock, TokenCounter? tokens = null) : IProviderAdapter
{
    public const string ApiVersion = "2023-06-01";
    private static readonly MediaTypeHeaderValue Json = new("application/json");

    public HttpRequestMessage CreateChatRequest(UpstreamCall call)
    {
        var body = OpenAIRequestParts.Convert(() => AnthropicRequestConverter.Convert(call.Body.Span, call.UpstreamModel,
            call.OutputTokenBound * call.Request.Choices, call.Request.Stream), "Anthropic");
        var provider = call.Provider;
        var request = new HttpRequestMessage(HttpMethod.Post, ProviderEndpoints.Resolve(provider.BaseUrl, "v1/messages"))
        {
            Content = new ByteArrayContent(body) { Headers = { ContentType = Json } },
        };
        if (!string.IsNullOrEmpty(call.ApiKey))
            request.Headers.Add("x-api-key", call.ApiKey);
        request.Headers.Add("anthropic-version", ApiVersion);
        if (call.Request.Stream)
            request.Headers.Accept.ParseAdd("text/event-stream");
        return request;
    }

    public ReadOnlyMemory<byte>? TranslateChatResponse(ReadOnlyMemory<byte> body, UpstreamCall call) =>
        AnthropicResponseConverter.Convert(body.Span, clock.GetUtcNow().ToUnixTimeSeconds(), tokens);

    public IChatStreamTranslator CreateStreamTranslator(UpstreamCall call) =>
        new AnthropicStreamTranslator(clock.GetUtcNow().ToUnixTimeSeconds(), tokens);

    public string DescribeError(int status, ReadOnlySpan<byte> body) => ProviderErrorText.Describe(status, body);

    public HttpRequestMessage CreateEmbeddingsRequest(UpstreamCall call) =>
        throw new UnsupportedRequestException("Anthropic offers no embeddings; configure an embedding model of another provider.", "model");

    public ReadOnlyMemory<byte>? TranslateEmbeddingsResponse(ReadOnlyMemory<byte> body, UpstreamCall call) => null;
}
