using System.Buffers;
using System.Text.Json;
using TokenPortal.Core.Billing;
using TokenPortal.Core.Protocol;

namespace TokenPortal.Core.Protocol.OpenAI;

/// <summary>
/// The <c>usage</c> object clients see: the billed token counts, <c>prompt_tokens_details.cached_tokens</c> (and
/// <c>cache_creation_tokens</c>, <c>cache_creation_1h_tokens</c> where the prompt was written to a cache) and <c>cost</c> (USD drawn), keeping any other detail the upstream reported (e.g. reasoning tokens).
/// </summary>
internal static class UsageJsonWriter
{
    public static byte[] Write(TokenUsage usage, long chargedMicros, ReadOnlySpan<byte> upstreamUsage)
    {
        var buffer = new ArrayBufferWriter<byte>(256);
        using (var writer = new Utf8JsonWriter(buffer, JsonWriting.Options))
        {
            writer.WriteStartObject();
            writer.WriteNumber("prompt_tokens", usage.PromptTokens);
            writer.WriteNumber("completion_tokens", usage.CompletionTokens);
            writer.WriteNumber("total_tokens", usage.TotalTokens);
            writer.WriteStartObject("prompt_tokens_details");
            CopyOtherProperties(upstreamUsage, "prompt_tokens_details"u8, ["cached_tokens", "cache_creation_tokens", "cache_creation_1h_tokens"], writer);
            writer.WriteNumber("cached_tokens", usage.CachedTokens);
            if (usage.AllCacheWrites > 0)
            {
                // Billed at the cache-write prices: all writes, and the part of them for the 1-hour cache.
                writer.WriteNumber("cache_creation_tokens", usage.AllCacheWrites);
                writer.WriteNumber("cache_creation_1h_tokens", usage.CacheWrites1h);
            }
            writer.WriteEndObject();
            CopyOtherProperties(upstreamUsage, default, ["prompt_tokens", "completion_tokens", "total_tokens", "prompt_tokens_details", "cost"], writer);
            writer.WriteNumber("cost", MicroUsd.ToUsd(chargedMicros));
            writer.WriteEndObject();
        }
        return buffer.WrittenSpan.ToArray();
    }

    /// <summary>Copies the properties of <paramref name="usage"/> (or of its child object <paramref name="child"/>) not named in <paramref name="skip"/>.</summary>
    private static void CopyOtherProperties(ReadOnlySpan<byte> usage, ReadOnlySpan<byte> child, string[] skip, Utf8JsonWriter writer)
    {
        if (usage.IsEmpty)
            return;
        var reader = new Utf8JsonReader(usage);
        if (!reader.Read() || reader.TokenType != JsonTokenType.StartObject)
            return;
        if (!child.IsEmpty && !MoveToChildObject(ref reader, child))
            return;

        var depth = reader.CurrentDepth;
        while (reader.Read() && reader.CurrentDepth > depth)
        {
            if (reader.TokenType != JsonTokenType.PropertyName)
                continue;
            var name = reader.GetString()!;
            reader.Read();
            var start = (int)reader.TokenStartIndex;
            reader.Skip();
            if (Array.IndexOf(skip, name) >= 0)
                continue;
            writer.WritePropertyName(name);
            writer.WriteRawValue(usage[start..(int)reader.BytesConsumed], skipInputValidation: true);
        }
    }

    private static bool MoveToChildObject(ref Utf8JsonReader reader, ReadOnlySpan<byte> child)
    {
        while (reader.Read() && reader.CurrentDepth > 0)
        {
            if (reader.TokenType != JsonTokenType.PropertyName)
                continue;
            var match = reader.ValueTextEquals(child);
            reader.Read();
            if (match && reader.TokenType == JsonTokenType.StartObject)
                return true;
            reader.Skip();
        }
        return false;
    }
}
