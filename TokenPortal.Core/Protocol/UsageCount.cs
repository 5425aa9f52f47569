using System.Text.Json;
using System.Text.Json.Nodes;

namespace TokenPortal.Core.Protocol;

/// <summary>
/// A provider's token count as the gateway bills it: a fraction rounded up (some servers write <c>12.0</c>), a count past
/// <see cref="int.MaxValue"/> held there; no count (negative, not a number) is null, so the estimate stands in for it
/// rather than a 0 that would bill nothing.
/// </summary>
internal static class UsageCount
{
    public static int? FromNumber(double number) =>
        double.IsNaN(number) || number < 0 ? null : number >= int.MaxValue ? int.MaxValue : (int)Math.Ceiling(number);

    public static int? From(JsonNode? node) =>
        node is JsonValue value && value.GetValueKind() == JsonValueKind.Number && value.TryGetValue<double>(out var number) ? FromNumber(number) : null;
}
