using TokenPortal.Core.Configuration;

namespace TokenPortal.Core.Catalog;

/// <summary>An enabled upstream, as the gateway uses it.</summary>
public sealed record CatalogProvider(long Id, string Name, ProviderKind Kind, Uri BaseUrl, string? ApiKey, TimeSpan Timeout, int? UpstreamRpm = null);
