using System.Text.Json.Serialization;

namespace TokenPortal.Web.Gateway;

internal sealed record ModelList(
    [property: JsonPropertyName("object")] string Object,
    [property: JsonPropertyName("data")] IReadOnlyList<ModelEntry> Data);
