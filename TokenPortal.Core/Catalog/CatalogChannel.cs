namespace TokenPortal.Core.Catalog;

/// <summary>An enabled upstream of a model: the provider, its name for the model, and the channel's share and turn.</summary>
public sealed record CatalogChannel(long Id, CatalogProvider Provider, string UpstreamModel, int Weight, int Priority);
