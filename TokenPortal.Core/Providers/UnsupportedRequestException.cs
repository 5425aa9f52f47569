using TokenPortal.Core.Gateway;

namespace TokenPortal.Core.Providers;

/// <summary>A request a provider cannot honour, e.g. <c>n &gt; 1</c> on Anthropic; becomes a 400 naming the parameter.</summary>
public sealed class UnsupportedRequestException(string message, string? param) : Exception(message)
{
    public GatewayError Error { get; } = GatewayError.InvalidRequest(message, param);
}
