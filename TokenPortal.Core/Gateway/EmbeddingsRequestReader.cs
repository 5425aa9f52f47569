using System.Text.Json;

using TokenPortal.Core.Protocol;

namespace TokenPortal.Core.Gateway;

/// <summary>Reads an OpenAI embeddings request: model, input (text, texts, or token arrays), dimensions, encoding format.</summary>
public static class EmbeddingsRequestReader
{
    public static ParsedRequest Read(ReadOnlyMemory<byte> body, TokenCounter tokens)
    {
        try
        {
            return ReadCore(body, tokens);
        }
        catch (JsonException ex)
        {
            return ParsedRequest.Invalid(GatewayError.InvalidRequest($"The request body is not valid JSON: {ex.Message}"));
        }
        catch (InvalidOperationException)
        {
            // The reader's typed getters: a value of another JSON type than the one asked for, or a lone surrogate escape.
            return ParsedRequest.Invalid(GatewayError.InvalidRequest("A value in the request has the wrong type or is not valid text."));
        }
    }

    private static readonly byte[][] InterpretedProperties = RepeatedProperty.Names("model", "input", "stream", "dimensions", "encoding_format");

    private static ParsedRequest ReadCore(ReadOnlyMemory<byte> body, TokenCounter tokens)
    {
        var reader = new Utf8JsonReader(body.Span);
        if (!reader.Read() || reader.TokenType != JsonTokenType.StartObject)
            return ParsedRequest.Invalid(GatewayError.InvalidRequest("The request body must be a JSON object."));

        string? model = null;
        int? inputTokens = null;
        var seen = 0u;
        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            if (RepeatedProperty.IsRepeat(ref reader, InterpretedProperties, ref seen))
                return ParsedRequest.Invalid(RepeatedProperty.Error(ref reader));
            // What the gateway does not read still reaches the provider: names and values must be valid text too.
            JsonText.Check(ref reader);
            if (reader.ValueTextEquals("model"u8))
            {
                reader.Read();
                if (reader.TokenType != JsonTokenType.String)
                    return ParsedRequest.Invalid(GatewayError.InvalidRequest("'model' must be a string.", "model"));
                model = reader.GetString();
            }
            else if (reader.ValueTextEquals("input"u8))
            {
                reader.Read();
                inputTokens = CountInput(ref reader, tokens);
                if (inputTokens is null)
                    return ParsedRequest.Invalid(GatewayError.InvalidRequest(
                        "'input' must be a non-empty string, an array of strings, or an array of token arrays.", "input"));
            }
            else if (reader.ValueTextEquals("stream"u8))
            {
                reader.Read();
                if (reader.TokenType is not (JsonTokenType.False or JsonTokenType.Null))
                    return ParsedRequest.Invalid(GatewayError.InvalidRequest("Embeddings cannot be streamed: leave 'stream' out.", "stream"));
            }
            else if (reader.ValueTextEquals("dimensions"u8))
            {
                reader.Read();
                if (reader.TokenType != JsonTokenType.Null && (reader.TokenType != JsonTokenType.Number || !reader.TryGetInt32(out var dimensions) || dimensions < 1))
                    return ParsedRequest.Invalid(GatewayError.InvalidRequest("'dimensions' must be a positive integer.", "dimensions"));
            }
            else if (reader.ValueTextEquals("encoding_format"u8))
            {
                reader.Read();
                if (reader.TokenType != JsonTokenType.Null
                    && !(reader.TokenType == JsonTokenType.String && (reader.ValueTextEquals("float"u8) || reader.ValueTextEquals("base64"u8))))
                    return ParsedRequest.Invalid(GatewayError.InvalidRequest("'encoding_format' must be 'float' or 'base64'.", "encoding_format"));
            }
            else
            {
                reader.Read();
                JsonText.SkipChecked(ref reader);
            }
        }
        if (reader.TokenType != JsonTokenType.EndObject || reader.Read())
            return ParsedRequest.Invalid(GatewayError.InvalidRequest("The request body must be a single JSON object."));
        if (string.IsNullOrWhiteSpace(model))
            return ParsedRequest.Invalid(GatewayError.InvalidRequest("You must provide a model parameter.", "model"));
        if (inputTokens is null)
            return ParsedRequest.Invalid(GatewayError.InvalidRequest("You must provide an input to embed.", "input"));

        return new ParsedRequest(new RequestInfo(model, false, false, 0, 1, inputTokens.Value), body, null);
    }

    /// <summary>Tokens in the input; null when its shape is not one OpenAI accepts.</summary>
    private static int? CountInput(ref Utf8JsonReader reader, TokenCounter tokens)
    {
        if (reader.TokenType == JsonTokenType.String)
            return reader.ValueSpan.IsEmpty ? null : tokens.Count(reader.GetString());
        if (reader.TokenType != JsonTokenType.StartArray)
            return null;

        var count = 0;
        var items = 0;
        while (reader.Read() && reader.TokenType != JsonTokenType.EndArray)
        {
            items++;
            switch (reader.TokenType)
            {
                case JsonTokenType.String when !reader.ValueSpan.IsEmpty:
                    count += tokens.Count(reader.GetString());
                    break;
                case JsonTokenType.Number:
                    count++;
                    break;
                case JsonTokenType.StartArray:
                    while (reader.Read() && reader.TokenType == JsonTokenType.Number)
                        count++;
                    if (reader.TokenType != JsonTokenType.EndArray)
                        return null;
                    break;
                default:
                    return null;
            }
        }
        return items == 0 ? null : count;
    }
}
