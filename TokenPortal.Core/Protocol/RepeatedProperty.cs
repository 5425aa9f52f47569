using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using TokenPortal.Core.Gateway;

namespace TokenPortal.Core.Protocol;

/// <summary>
/// Duplicate JSON keys. JSON parsers disagree about them (first wins, last wins, error), so a body that gives
/// <c>stream</c>, <c>model</c> or <c>max_tokens</c> twice could be read one way by the gateway, which meters and bills,
/// and another by the provider, which serves. The gateway refuses such bodies instead of guessing.
/// </summary>
internal static class RepeatedProperty
{
    private static readonly JsonDocumentOptions Strict = new() { AllowDuplicateProperties = false };

    /// <summary>UTF-8 property names, for <see cref="IsRepeat"/>.</summary>
    public static byte[][] Names(params string[] names) => [.. names.Select(Encoding.UTF8.GetBytes)];

    /// <summary>
    /// True when the reader stands on one of <paramref name="names"/> (at most 32) that this object already had;
    /// <paramref name="seen"/> remembers them, one bit each.
    /// </summary>
    public static bool IsRepeat(ref Utf8JsonReader reader, byte[][] names, ref uint seen)
    {
        for (var i = 0; i < names.Length; i++)
        {
            if (!reader.ValueTextEquals(names[i]))
                continue;
            var bit = 1u << i;
            var repeat = (seen & bit) != 0;
            seen |= bit;
            return repeat;
        }
        return false;
    }

    /// <summary>The 400 for a key given twice.</summary>
    public static GatewayError Error(ref Utf8JsonReader reader)
    {
        var name = reader.GetString()!;
        return GatewayError.InvalidRequest($"'{name}' is given more than once; give each parameter once.", name);
    }

    /// <summary>Parses a client's JSON into nodes, refusing a key given twice in any object (a <see cref="JsonException"/>).</summary>
    public static JsonNode? ParseStrict(ReadOnlySpan<byte> json) => JsonNode.Parse(json, documentOptions: Strict);

    /// <inheritdoc cref="ParseStrict(ReadOnlySpan{byte})"/>
    public static JsonNode? ParseStrict(string json) => JsonNode.Parse(json, documentOptions: Strict);

}
