namespace TokenPortal.Core.Providers;

/// <summary>
/// Speaks one provider's protocol. The gateway works in OpenAI's shape; an adapter converts the
/// request on the way out and the response, stream and errors on the way back.
/// </summary>
public interface IProviderAdapter
{
    HttpRequestMessage CreateChatRequest(ChatUpstreamCall call);

    /// <summary>The provider's complete reply as an OpenAI chat completion; null when it is not a valid reply.</summary>
    ReadOnlyMemory<byte>? TranslateChatResponse(ReadOnlyMemory<byte> body, ChatUpstreamCall call);

    IChatStreamTranslator CreateStreamTranslator(ChatUpstreamCall call);

    /// <summary>A one-line description of a provider error reply, for the client's error message.</summary>
    string DescribeError(int status, ReadOnlySpan<byte> body);
}
