using TokenPortal.Core.Configuration;
using TokenPortal.Core.Gateway.Dialects;
using TokenPortal.Core.Providers;

namespace TokenPortal.Core.Gateway;

/// <summary>
/// What one API endpoint adds to the shared request path of <see cref="GatewayHandler"/>: how to read
/// the client's request, which upstream call it makes, and the client's protocol for answers, streams
/// and errors.
/// </summary>
public interface IGatewayEndpoint
{
    /// <summary>The endpoint's path under <c>/v1</c> (<c>chat/completions</c>), as metrics and traces name it.</summary>
    string Name { get; }

    ModelKind ModelKind { get; }

    ParsedRequest Parse(ReadOnlyMemory<byte> body, TokenCounter tokens);

    HttpRequestMessage CreateUpstreamRequest(IProviderAdapter adapter, UpstreamCall call);

    /// <summary>The client's protocol, for answers, streams and errors.</summary>
    IClientDialect Dialect { get; }
}
