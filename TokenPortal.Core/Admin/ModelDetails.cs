namespace TokenPortal.Core.Admin;

/// <summary>
/// What a model is, beside its main prices: its context length, what it reads and writes, and its cache-write
/// prices in USD per million tokens (null: the default for its providers, see <see cref="Catalog.CacheWritePrices"/>).
/// </summary>
public sealed record ModelDetails(
    int? ContextLength = null,
    IReadOnlyList<string>? InputModalities = null,
    IReadOnlyList<string>? OutputModalities = null,
    decimal? CacheWritePerMillionUsd = null,
    decimal? CacheWrite1hPerMillionUsd = null);
