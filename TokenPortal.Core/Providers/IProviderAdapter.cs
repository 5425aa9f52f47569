namespace TokenPortal.Core.Providers;

/// <summary>
/// Speaks one provider's protocol. The gateway works in OpenAI's shape; an adapter converts the
/// request on the way out and the response, stream and errors on the way back.
/// </summary>
public interface IProviderAdapter
{
    HttpRequestMessage CreateChatRequest(UpstreamCall call);

    /// <summary>The provider's complete reply as an OpenAI chat completion; null when it is not a valid reply.</summary>
    ReadOnlyMemory<byte>? TranslateChatResponse(ReadOnlyMemory<byte> body, UpstreamCall call);

    IChatStreamTranslator CreateStreamTranslator(UpstreamCall call);

    /// <summary>A one-line description of a provider error reply, for the client's error message.</summary>
    string DescribeError(int status, ReadOnlySpan<byte> body);

    /// <summary>An embeddings request; throws <see cref="UnsupportedRequestException"/> where the provider has none.</summary>
    HttpRequestMessage CreateEmbeddingsRequest(UpstreamCall call);

    /// <summary>The provider's embeddings as an OpenAI embeddings list; null when it is not a valid reply.</summary>
    ReadOnlyMemory<byte>? TranslateEmbeddingsResponse(ReadOnlyMemory<byte> body, UpstreamCall call);
}
