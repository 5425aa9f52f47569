using System.Text.Json.Serialization;

namespace TokenPortal.Web.Gateway;

/// <summary>What a model reads and writes, in OpenRouter's words.</summary>
internal sealed record ModelArchitecture(
    [property: JsonPropertyName("input_modalities")] IReadOnlyList<string> InputModalities,
    [property: JsonPropertyName("output_modalities")] IReadOnlyList<string> OutputModalities);
