namespace TokenPortal.Core.Admin.Import;

/// <summary>
/// One model of a published price list, in our units (USD per million tokens); null where the list says nothing.
/// <see cref="Provider"/> is the list's provider for it ("anthropic" in models.dev's tree or OpenRouter's "anthropic/..." id).
/// </summary>
public sealed record PriceListEntry(
    string Id,
    string? Provider,
    decimal? InputPerMillionUsd,
    decimal? CachedInputPerMillionUsd,
    decimal? OutputPerMillionUsd,
    decimal? CacheWritePerMillionUsd,
    int? ContextLength,
    IReadOnlyList<string>? InputModalities,
    IReadOnlyList<string>? OutputModalities)
{
    /// <summary>The names it may match a model by: its id, and the id without the provider's prefix.</summary>
    public IEnumerable<string> Names => Id.LastIndexOf('/') is var slash and > 0 ? [Id, Id[(slash + 1)..]] : [Id];
}
