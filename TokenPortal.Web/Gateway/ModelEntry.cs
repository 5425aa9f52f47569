using System.Text.Json.Serialization;

namespace TokenPortal.Web.Gateway;

/// <summary>One entry of <c>GET /v1/models</c>: OpenAI's model object plus our <c>pricing</c>.</summary>
internal sealed record ModelEntry(
    [property: JsonPropertyName("id")] string Id,
    [property: JsonPropertyName("object")] string Object,
    [property: JsonPropertyName("created")] long Created,
    [property: JsonPropertyName("owned_by")] string OwnedBy,
    [property: JsonPropertyName("type")] string Type,
    [property: JsonPropertyName("pricing")] ModelPricing Pricing);
