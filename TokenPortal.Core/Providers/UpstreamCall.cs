using TokenPortal.Core.Catalog;
using TokenPortal.Core.Gateway;

namespace TokenPortal.Core.Providers;

/// <summary>
/// A request ready to go upstream on one channel of its model: the OpenAI-shaped body, what was read of it, the output
/// bound the reservation allows, and the provider key this attempt uses.
/// </summary>
/// <param name="SafetyIdentifier">The user's <c>safety_identifier</c>, for OpenAI itself only (other servers might refuse the field).</param>
public sealed record UpstreamCall(CatalogModel Model, CatalogChannel Channel, string? ApiKey, RequestInfo Request, ReadOnlyMemory<byte> Body,
    int OutputTokenBound, string? SafetyIdentifier = null)
{
    public CatalogProvider Provider => Channel.Provider;

    public string UpstreamModel => Channel.UpstreamModel;
}
