using TokenPortal.Core.Billing;
using TokenPortal.Core.Configuration;

namespace TokenPortal.Core.Catalog;

/// <summary>An enabled public model with its sell price (after the site multiplier).</summary>
public sealed record CatalogModel(
    string Id,
    CatalogProvider Provider,
    string UpstreamModel,
    ModelKind Kind,
    ModelPrice Price,
    int MaxOutputTokens,
    IReadOnlyList<string> Aliases)
{
    /// <summary>The id as a JSON string literal, spliced into every response and chunk.</summary>
    internal byte[] IdJson { get; } = [(byte)'"', .. System.Text.Json.JsonEncodedText.Encode(Id).EncodedUtf8Bytes, (byte)'"'];
}
