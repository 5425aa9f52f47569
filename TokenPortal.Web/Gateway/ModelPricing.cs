using System.Text.Json.Serialization;

namespace TokenPortal.Web.Gateway;

/// <summary>Sell prices in USD per million tokens, after the site multiplier.</summary>
internal sealed record ModelPricing(
    [property: JsonPropertyName("input")] decimal Input,
    [property: JsonPropertyName("cached_input")] decimal CachedInput,
    [property: JsonPropertyName("output")] decimal Output,
    [property: JsonPropertyName("cache_write")] decimal CacheWrite,
    [property: JsonPropertyName("cache_write_1h")] decimal CacheWrite1h);
