using System.Text.Json;
using System.Text.Json.Serialization;

namespace TokenPortal.Core.Billing.Stripe;

/// <summary>
/// Reads one of Stripe's expandable fields as the id it names: the field is an id string, or the whole object
/// when expanded (then its <c>id</c>), or null.
/// </summary>
internal sealed class StripeIdConverter : JsonConverter<string?>
{
    public override bool HandleNull => true;

    public override string? Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options)
    {
        switch (reader.TokenType)
        {
            case JsonTokenType.Null:
                return null;
            case JsonTokenType.String:
                return reader.GetString();
            case JsonTokenType.StartObject:
                using (var document = JsonDocument.ParseValue(ref reader))
                    return document.RootElement.TryGetProperty("id", out var id) && id.ValueKind == JsonValueKind.String ? id.GetString() : null;
            default:
                throw new JsonException($"Expected an id or an object, got {reader.TokenType}.");
        }
    }

    public override void Write(Utf8JsonWriter writer, string? value, JsonSerializerOptions options) => writer.WriteStringValue(value);
}
