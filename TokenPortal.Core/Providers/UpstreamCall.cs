using TokenPortal.Core.Catalog;
using TokenPortal.Core.Gateway;

namespace TokenPortal.Core.Providers;

/// <summary>A request ready to go upstream: the OpenAI-shaped body, what was read of it, and the output bound the reservation allows.</summary>
/// <param name="SafetyIdentifier">The user's <c>safety_identifier</c>, for OpenAI itself only (other servers might refuse the field).</param>
public sealed record UpstreamCall(CatalogModel Model, RequestInfo Request, ReadOnlyMemory<byte> Body, int OutputTokenBound, string? SafetyIdentifier = null);
