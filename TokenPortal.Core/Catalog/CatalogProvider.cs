using TokenPortal.Core.Configuration;

namespace TokenPortal.Core.Catalog;

/// <summary>An enabled upstream, as the gateway uses it. <see cref="ApiKeys"/> are used in turn; empty for a server that needs none.</summary>
public sealed record CatalogProvider(long Id, string Name, ProviderKind Kind, Uri BaseUrl, IReadOnlyList<string> ApiKeys, TimeSpan Timeout, int? UpstreamRpm = null);
