using TokenPortal.Core.Configuration;
using TokenPortal.Core.Gateway.Dialects;
using TokenPortal.Core.Providers;

namespace TokenPortal.Core.Gateway;

/// <summary>
/// What one API endpoint adds to the shared request path of <see cref="GatewayHandler"/>: how to read
/// the client's request, which upstream call it makes, how the answer is relayed, and how errors look
/// in the client's protocol.
/// </summary>
public interface IGatewayEndpoint
{
    ModelKind ModelKind { get; }

    ParsedRequest Parse(ReadOnlyMemory<byte> body, TokenCounter tokens);

    HttpRequestMessage CreateUpstreamRequest(IProviderAdapter adapter, UpstreamCall call);

    Task<GatewayError?> RelayAsync(RelayContext relay);

    /// <summary>The client's protocol, for answers, streams and errors.</summary>
    IClientDialect Dialect { get; }
}
