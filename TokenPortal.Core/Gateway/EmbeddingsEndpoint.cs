using TokenPortal.Core.Configuration;
using TokenPortal.Core.Gateway.Dialects;
using TokenPortal.Core.Providers;

namespace TokenPortal.Core.Gateway;

/// <summary><c>POST /v1/embeddings</c>: OpenAI's schema, billed on input tokens.</summary>
public sealed class EmbeddingsEndpoint : IGatewayEndpoint
{
    public string Name => "embeddings";

    public ModelKind ModelKind => ModelKind.Embedding;

    public ParsedRequest Parse(ReadOnlyMemory<byte> body, TokenCounter tokens) => EmbeddingsRequestReader.Read(body, tokens);

    public HttpRequestMessage CreateUpstreamRequest(IProviderAdapter adapter, UpstreamCall call) => adapter.CreateEmbeddingsRequest(call);

    public IClientDialect Dialect => OpenAIDialect.Instance;
}
