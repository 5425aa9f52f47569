using System.Net.Http.Headers;

namespace TokenPortal.Core.Providers.Gemini;

/// <summary>
/// Google's Gemini API: <c>{BaseUrl}/v1beta/models/{model}:generateContent</c>, <c>:streamGenerateContent?alt=sse</c>
/// and <c>:batchEmbedContents</c>, authenticated with <c>x-goog-api-key</c>.
/// </summary>
internal sealed class GeminiAdapter(TimeProvider clock) : IProviderAdapter
{
    private static readonly MediaTypeHeaderValue Json = new("application/json");

    public HttpRequestMessage CreateChatRequest(UpstreamCall call)
    {
        var body = OpenAIRequestParts.Convert(() => GeminiRequestConverter.Convert(call.Body.Span, call.OutputTokenBound), "Gemini");
        var method = call.Request.Stream ? "streamGenerateContent?alt=sse" : "generateContent";
        var request = Post(call, method, body);
        if (call.Request.Stream)
            request.Headers.Accept.ParseAdd("text/event-stream");
        return request;
    }

    public ReadOnlyMemory<byte>? TranslateChatResponse(ReadOnlyMemory<byte> body, UpstreamCall call) =>
        GeminiResponseConverter.Convert(body.Span, call.UpstreamModel, clock.GetUtcNow().ToUnixTimeSeconds());

    public IChatStreamTranslator CreateStreamTranslator(UpstreamCall call) =>
        new GeminiStreamTranslator(call.UpstreamModel, clock.GetUtcNow().ToUnixTimeSeconds());

    public string DescribeError(int status, ReadOnlySpan<byte> body) => ProviderErrorText.Describe(status, body);

    public HttpRequestMessage CreateEmbeddingsRequest(UpstreamCall call) =>
        Post(call, "batchEmbedContents", OpenAIRequestParts.Convert(() => GeminiEmbeddings.ConvertRequest(call.Body.Span, call.UpstreamModel), "Gemini"));

    public ReadOnlyMemory<byte>? TranslateEmbeddingsResponse(ReadOnlyMemory<byte> body, UpstreamCall call) =>
        GeminiEmbeddings.ConvertResponse(body.Span, call.Body.Span, call.UpstreamModel);

    private static HttpRequestMessage Post(UpstreamCall call, string method, byte[] body)
    {
        var provider = call.Provider;
        var path = $"v1beta/models/{Uri.EscapeDataString(call.UpstreamModel)}:{method}";
        var request = new HttpRequestMessage(HttpMethod.Post, ProviderEndpoints.Resolve(provider.BaseUrl, path))
        {
            Content = new ByteArrayContent(body) { Headers = { ContentType = Json } },
        };
        if (!string.IsNullOrEmpty(call.ApiKey))
            request.Headers.Add("x-goog-api-key", call.ApiKey);
        return request;
    }
}
