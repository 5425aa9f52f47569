using System.Text;
using System.Text.Json;

namespace TokenPortal.Core.Providers;

/// <summary>Pulls a readable message out of a provider's error body, whatever its shape.</summary>
internal static class ProviderErrorText
{
    private const int MaxLength = 500;

    public static string Describe(int status, ReadOnlySpan<byte> body)
    {
        var message = TryReadMessage(body) ?? Encoding.UTF8.GetString(body[..Math.Min(body.Length, MaxLength)]).Trim();
        if (message.Length > MaxLength)
            message = message[..MaxLength] + "...";
        return message.Length == 0 ? $"The provider answered HTTP {status}." : $"The provider answered HTTP {status}: {message}";
    }

    /// <summary>The first string property named <c>message</c>, at any depth (OpenAI, Anthropic and Gemini all use it).</summary>
    private static string? TryReadMessage(ReadOnlySpan<byte> body)
    {
        try
        {
            var reader = new Utf8JsonReader(body);
            while (reader.Read())
            {
                if (reader.TokenType == JsonTokenType.PropertyName && reader.ValueTextEquals("message"u8) && reader.Read() && reader.TokenType == JsonTokenType.String)
                    return reader.GetString();
            }
        }
        catch (JsonException)
        {
        }
        return null;
    }
}
