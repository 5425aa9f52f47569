using System.Text;
using System.Text.Json;

namespace TokenPortal.Core.Protocol;

/// <summary>
/// Strings as a provider will read them. A body the gateway validated as UTF-8 can still spell invalid text with
/// escapes (a lone surrogate, <c>"\ud800"</c>), and can spell a word the gateway looks for with escapes
/// (<c>"\u0066ile"</c> is <c>file</c>, <c>"https:\/\/"</c> a link): what the gateway compares or lets through is decoded.
/// The decoding getters throw <see cref="InvalidOperationException"/> on invalid text, which the readers answer with 400.
/// </summary>
internal static class JsonText
{
    /// <summary>Checks that the name or string at the reader decodes to valid text; unescaped UTF-8 already is.</summary>
    public static void Check(ref Utf8JsonReader reader)
    {
        if (reader.ValueIsEscaped)
            _ = reader.GetString();
    }

    /// <summary>Skips the value at the reader as <see cref="Utf8JsonReader.Skip"/> does, checking every name and string in it.</summary>
    public static void SkipChecked(ref Utf8JsonReader reader)
    {
        if (reader.TokenType is not (JsonTokenType.StartObject or JsonTokenType.StartArray))
        {
            if (reader.TokenType == JsonTokenType.String)
                Check(ref reader);
            return;
        }
        var depth = reader.CurrentDepth;
        while (reader.Read() && reader.CurrentDepth > depth)
        {
            if (reader.TokenType is JsonTokenType.String or JsonTokenType.PropertyName)
                Check(ref reader);
        }
    }

    /// <summary>
    /// Copies the first bytes of the string at the reader, escapes decoded, into <paramref name="buffer"/> (as many as it
    /// holds); returns how many.
    /// </summary>
    public static int CopyHead(ref Utf8JsonReader reader, scoped Span<byte> buffer)
    {
        var raw = reader.ValueSpan;
        if (!reader.ValueIsEscaped)
        {
            var length = Math.Min(raw.Length, buffer.Length);
            raw[..length].CopyTo(buffer);
            return length;
        }
        // Decoding never lengthens a string, so a short escaped one fits whole.
        if (raw.Length <= buffer.Length)
            return reader.CopyString(buffer);
        var text = reader.GetString()!;
        return Encoding.UTF8.GetBytes(text.AsSpan(0, Math.Min(text.Length, buffer.Length / 3)), buffer);
    }
}
