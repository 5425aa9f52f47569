using TokenPortal.Core.Catalog;
using TokenPortal.Core.Gateway;

namespace TokenPortal.Core.Providers;

/// <summary>A chat request ready to go upstream: the client's body, what was read of it, and the output bound the reservation allows.</summary>
public sealed record ChatUpstreamCall(CatalogModel Model, ChatRequestInfo Request, ReadOnlyMemory<byte> Body, int OutputTokenBound);
