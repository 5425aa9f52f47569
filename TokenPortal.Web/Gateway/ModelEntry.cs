using System.Text.Json.Serialization;

namespace TokenPortal.Web.Gateway;

/// <summary>
/// One entry of <c>GET /v1/models</c>: OpenAI's model object plus our <c>pricing</c>, and OpenRouter's
/// <c>context_length</c> and <c>architecture</c> so clients that read those pick models the same way.
/// </summary>
internal sealed record ModelEntry(
    [property: JsonPropertyName("id")] string Id,
    [property: JsonPropertyName("object")] string Object,
    [property: JsonPropertyName("created")] long Created,
    [property: JsonPropertyName("owned_by")] string OwnedBy,
    [property: JsonPropertyName("type")] string Type,
    [property: JsonPropertyName("pricing")] ModelPricing Pricing,
    [property: JsonPropertyName("context_length"), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] int? ContextLength,
    [property: JsonPropertyName("max_output_tokens")] int MaxOutputTokens,
    [property: JsonPropertyName("architecture")] ModelArchitecture Architecture);
