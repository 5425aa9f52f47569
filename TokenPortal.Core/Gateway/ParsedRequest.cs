namespace TokenPortal.Core.Gateway;

/// <summary>A client request as the gateway reads it: what it needs to know, and the OpenAI-shaped body to send on.</summary>
public sealed record ParsedRequest(RequestInfo? Info, ReadOnlyMemory<byte> Body, GatewayError? Error)
{
    public static ParsedRequest Invalid(GatewayError error) => new(null, ReadOnlyMemory<byte>.Empty, error);
}
