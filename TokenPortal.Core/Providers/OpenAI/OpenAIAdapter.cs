using System.Buffers;
using System.Net.Http.Headers;
using TokenPortal.Core.Configuration;

namespace TokenPortal.Core.Providers.OpenAI;

/// <summary>
/// OpenAI and every server that speaks its protocol (DeepSeek, Mistral, Ollama, vLLM). The body goes
/// out as the client sent it but for the model name, the output bound and the stream usage request.
/// </summary>
internal sealed class OpenAIAdapter(ProviderKind kind) : IProviderAdapter
{
    private static readonly MediaTypeHeaderValue Json = new("application/json");

    public HttpRequestMessage CreateChatRequest(UpstreamCall call)
    {
        var body = new ArrayBufferWriter<byte>(call.Body.Length + 128);
        // OpenAI's reasoning models refuse max_tokens; compatible servers widely know only max_tokens.
        var defaultBound = kind == ProviderKind.OpenAI ? OpenAIRequestWriter.BoundField.MaxCompletionTokens : OpenAIRequestWriter.BoundField.MaxTokens;
        var json = AnthropicOnlyFields.Strip(call.Body, kind);
        OpenAIRequestWriter.Write(json.Span, call.UpstreamModel, call.Request, call.OutputTokenBound, defaultBound, body, call.SafetyIdentifier);
        var request = Post(call, "chat/completions", body);
        if (call.Request.Stream)
            request.Headers.Accept.ParseAdd("text/event-stream");
        return request;
    }

    public HttpRequestMessage CreateEmbeddingsRequest(UpstreamCall call)
    {
        var body = new ArrayBufferWriter<byte>(call.Body.Length + 64);
        OpenAIRequestWriter.Write(call.Body.Span, call.UpstreamModel, call.Request, outputBound: null, default, body);
        return Post(call, "embeddings", body);
    }

    public ReadOnlyMemory<byte>? TranslateEmbeddingsResponse(ReadOnlyMemory<byte> body, UpstreamCall call) => body;

    private static HttpRequestMessage Post(UpstreamCall call, string path, ArrayBufferWriter<byte> body)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, ProviderEndpoints.Resolve(call.Provider.BaseUrl, path))
        {
            Content = new ReadOnlyMemoryContent(body.WrittenMemory) { Headers = { ContentType = Json } },
        };
        if (!string.IsNullOrEmpty(call.ApiKey))
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", call.ApiKey);
        return request;
    }

    public ReadOnlyMemory<byte>? TranslateChatResponse(ReadOnlyMemory<byte> body, UpstreamCall call) => body;

    public IChatStreamTranslator CreateStreamTranslator(UpstreamCall call) => OpenAIStreamTranslator.Instance;

    public string DescribeError(int status, ReadOnlySpan<byte> body) => ProviderErrorText.Describe(status, body);
}
