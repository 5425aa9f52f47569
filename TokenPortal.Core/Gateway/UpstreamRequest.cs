namespace TokenPortal.Core.Gateway;

/// <summary>The client's request as every attempt sends it: what was read of it, and its body.</summary>
public sealed record UpstreamRequest(RequestInfo Info, ReadOnlyMemory<byte> Body);
