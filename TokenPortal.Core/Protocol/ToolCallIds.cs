using System.Buffers.Text;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace TokenPortal.Core.Protocol;

/// <summary>
/// Carries a Gemini thought signature through a client that speaks Anthropic's Messages or OpenAI's Responses. Gemini
/// refuses the next turn of a thinking tool loop unless each function call comes back with the signature it was given,
/// and neither a <c>tool_use</c> block nor a <c>function_call</c> item has a field for it; the call's id is the one thing
/// every client sends back unchanged (on the call and on its result), so the signature rides in the id,
/// base64url-encoded after <see cref="Marker"/>, and is taken out again when the client's next request is read.
/// </summary>
internal static class ToolCallIds
{
    private const string Marker = "__gts_";

    /// <summary>The id the client sees for an OpenAI tool call: its own, with its thought signature when it has one.</summary>
    public static string ForClient(JsonNode call, string fallbackId)
    {
        var id = call["id"]?.GetValue<string>() ?? fallbackId;
        return ThoughtSignature(call) is { Length: > 0 } signature
            ? id + Marker + Base64Url.EncodeToString(Encoding.UTF8.GetBytes(signature))
            : id;
    }

    /// <summary>A client's call id split back into the tool call's id and its thought signature (null when none rode along).</summary>
    public static (string Id, string? ThoughtSignature) FromClient(string id)
    {
        var at = id.IndexOf(Marker, StringComparison.Ordinal);
        if (at < 0)
            return (id, null);
        var encoded = id.AsSpan(at + Marker.Length);
        // An id a client made up that merely looks like ours is kept whole rather than refused (TryDecode throws on it).
        if (!Base64Url.IsValid(encoded))
            return (id, null);
        var bytes = new byte[Base64Url.GetMaxDecodedLength(encoded.Length)];
        return Base64Url.TryDecodeFromChars(encoded, bytes, out var written)
            ? (id[..at], Encoding.UTF8.GetString(bytes, 0, written))
            : (id, null);
    }

    /// <summary>Google's place for it on an OpenAI tool call: <c>extra_content.google.thought_signature</c>.</summary>
    public static JsonObject ExtraContent(string thoughtSignature) =>
        new() { ["google"] = new JsonObject { ["thought_signature"] = thoughtSignature } };

    private static string? ThoughtSignature(JsonNode call) =>
        call["extra_content"]?["google"]?["thought_signature"] is JsonValue value && value.GetValueKind() == JsonValueKind.String ? value.GetValue<string>() : null;
}
