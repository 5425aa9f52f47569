using System.Buffers;
using System.Text;
using System.Text.Json;

namespace TokenPortal.Core.Gateway;

/// <summary>
/// Reads an OpenAI chat request in one forward pass: validates its shape, picks out the fields the
/// gateway acts on, and estimates the prompt's tokens for the reservation. Nothing is materialised.
/// </summary>
public static class ChatRequestReader
{
    /// <summary>Reserved per image sent inline; about a high-detail image's worth of tokens.</summary>
    internal const int InlineImageTokens = 1_500;

    // Role markers and message separators the upstream adds per message, plus the reply's priming.
    private const int TokensPerMessage = 4;
    private const int TokensPerRequest = 3;

    private static readonly JsonReaderOptions ReaderOptions = new() { MaxDepth = 64 };

    public static RequestInfo Read(ReadOnlySpan<byte> json, TokenCounter tokens, out GatewayError? error)
    {
        try
        {
            return ReadCore(json, tokens, out error)!;
        }
        catch (JsonException ex)
        {
            error = GatewayError.InvalidRequest($"The request body is not valid JSON: {ex.Message}");
            return null!;
        }
    }

    private static RequestInfo? ReadCore(ReadOnlySpan<byte> json, TokenCounter tokens, out GatewayError? error)
    {
        var reader = new Utf8JsonReader(json, ReaderOptions);
        if (!reader.Read() || reader.TokenType != JsonTokenType.StartObject)
            return Fail(out error, GatewayError.InvalidRequest("The request body must be a JSON object."));

        string? model = null;
        bool stream = false, includeUsage = false, sawMessages = false;
        int? maxTokens = null;
        int choices = 1, messages = 0, inputTokens = 0;

        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            if (reader.ValueTextEquals("model"u8))
            {
                reader.Read();
                if (reader.TokenType != JsonTokenType.String)
                    return Fail(out error, GatewayError.InvalidRequest("'model' must be a string.", "model"));
                model = reader.GetString();
            }
            else if (reader.ValueTextEquals("stream"u8))
            {
                reader.Read();
                if (reader.TokenType is not (JsonTokenType.True or JsonTokenType.False or JsonTokenType.Null))
                    return Fail(out error, GatewayError.InvalidRequest("'stream' must be a boolean.", "stream"));
                stream = reader.TokenType == JsonTokenType.True;
            }
            else if (reader.ValueTextEquals("max_tokens"u8) || reader.ValueTextEquals("max_completion_tokens"u8))
            {
                var name = reader.ValueTextEquals("max_tokens"u8) ? "max_tokens" : "max_completion_tokens";
                reader.Read();
                if (reader.TokenType == JsonTokenType.Null)
                    continue;
                if (reader.TokenType != JsonTokenType.Number || !reader.TryGetInt32(out var value) || value < 1)
                    return Fail(out error, GatewayError.InvalidRequest($"'{name}' must be a positive integer.", name));
                maxTokens = maxTokens is null ? value : Math.Min(maxTokens.Value, value);
            }
            else if (reader.ValueTextEquals("n"u8))
            {
                reader.Read();
                if (reader.TokenType == JsonTokenType.Null)
                    continue;
                if (reader.TokenType != JsonTokenType.Number || !reader.TryGetInt32(out choices) || choices is < 1 or > 128)
                    return Fail(out error, GatewayError.InvalidRequest("'n' must be an integer from 1 to 128.", "n"));
            }
            else if (reader.ValueTextEquals("stream_options"u8))
            {
                reader.Read();
                if (reader.TokenType == JsonTokenType.Null)
                    continue;
                if (reader.TokenType != JsonTokenType.StartObject)
                    return Fail(out error, GatewayError.InvalidRequest("'stream_options' must be an object.", "stream_options"));
                while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
                {
                    var isIncludeUsage = reader.ValueTextEquals("include_usage"u8);
                    reader.Read();
                    if (isIncludeUsage)
                    {
                        if (reader.TokenType is not (JsonTokenType.True or JsonTokenType.False or JsonTokenType.Null))
                            return Fail(out error, GatewayError.InvalidRequest("'stream_options.include_usage' must be a boolean.", "stream_options"));
                        includeUsage = reader.TokenType == JsonTokenType.True;
                    }
                    else
                    {
                        reader.Skip();
                    }
                }
            }
            else if (reader.ValueTextEquals("messages"u8))
            {
                reader.Read();
                if (reader.TokenType != JsonTokenType.StartArray)
                    return Fail(out error, GatewayError.InvalidRequest("'messages' must be an array of message objects.", "messages"));
                sawMessages = true;
                while (reader.Read() && reader.TokenType != JsonTokenType.EndArray)
                {
                    if (reader.TokenType != JsonTokenType.StartObject)
                        return Fail(out error, GatewayError.InvalidRequest($"'messages[{messages}]' must be an object.", "messages"));
                    messages++;
                    inputTokens += TokensPerMessage + CountValueTokens(ref reader, tokens);
                }
            }
            else
            {
                // tools, functions, response_format schemas...: the upstream counts them as prompt.
                reader.Read();
                inputTokens += CountValueTokens(ref reader, tokens);
            }
        }

        if (reader.TokenType != JsonTokenType.EndObject || reader.Read())
            return Fail(out error, GatewayError.InvalidRequest("The request body must be a single JSON object."));
        if (string.IsNullOrWhiteSpace(model))
            return Fail(out error, GatewayError.InvalidRequest("You must provide a model parameter.", "model"));
        if (!sawMessages || messages == 0)
            return Fail(out error, GatewayError.InvalidRequest("'messages' must contain at least one message.", "messages"));

        error = null;
        return new RequestInfo(model, stream, stream && includeUsage, maxTokens, choices, inputTokens + TokensPerRequest);
    }

    /// <summary>Counts the tokens of every string and property name in the value at the reader (which it then leaves at that value's end).</summary>
    private static int CountValueTokens(ref Utf8JsonReader reader, TokenCounter tokens)
    {
        if (reader.TokenType == JsonTokenType.String)
            return CountStringTokens(ref reader, tokens);
        if (reader.TokenType is not (JsonTokenType.StartObject or JsonTokenType.StartArray))
            return 0;

        var depth = reader.CurrentDepth;
        var count = 0;
        while (reader.Read() && reader.CurrentDepth > depth)
        {
            if (reader.TokenType is JsonTokenType.String or JsonTokenType.PropertyName)
                count += CountStringTokens(ref reader, tokens);
        }
        return count;
    }

    private static int CountStringTokens(ref Utf8JsonReader reader, TokenCounter tokens)
    {
        // The reader runs over one contiguous buffer, so values never span segments.
        var raw = reader.ValueSpan;
        if (raw.StartsWith("data:"u8))
            return InlineImageTokens;

        var rented = ArrayPool<char>.Shared.Rent(raw.Length);
        try
        {
            var length = reader.ValueIsEscaped ? reader.CopyString(rented) : Encoding.UTF8.GetChars(raw, rented);
            return tokens.Count(rented.AsSpan(0, length));
        }
        finally
        {
            ArrayPool<char>.Shared.Return(rented);
        }
    }

    private static RequestInfo? Fail(out GatewayError? error, GatewayError value)
    {
        error = value;
        return null;
    }
}
