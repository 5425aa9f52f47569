using System.Buffers;
using System.Text.Json;
using TokenPortal.Core.Gateway;

namespace TokenPortal.Core.Providers.OpenAI;

/// <summary>
/// Copies a validated OpenAI chat request, replacing only what the gateway decides: the model name,
/// the output bound the reservation covers, (when streaming) the request for a usage chunk, and for OpenAI itself the
/// user's <c>safety_identifier</c> (in place of any the client sent). Every other property is copied byte for byte.
/// </summary>
internal static class OpenAIRequestWriter
{
    public enum BoundField
    {
        MaxTokens,
        MaxCompletionTokens,
    }

    /// <param name="outputBound">The output bound to set; null leaves the body's own (embeddings have none).</param>
    public static void Write(ReadOnlySpan<byte> json, string upstreamModel, RequestInfo request, int? outputBound, BoundField defaultField, IBufferWriter<byte> output,
        string? safetyIdentifier = null)
    {
        var reader = new Utf8JsonReader(json);
        using var writer = new Utf8JsonWriter(output, new JsonWriterOptions { SkipValidation = true });
        reader.Read();
        writer.WriteStartObject();
        bool wroteModel = false, wroteBound = false, wroteStreamOptions = false;
        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            if (reader.ValueTextEquals("model"u8))
            {
                SkipValue(ref reader);
                writer.WriteString("model", upstreamModel);
                wroteModel = true;
            }
            else if (outputBound is not null && (reader.ValueTextEquals("max_tokens"u8) || reader.ValueTextEquals("max_completion_tokens"u8)))
            {
                writer.WritePropertyName(reader.GetString()!);
                SkipValue(ref reader);
                writer.WriteNumberValue(outputBound.Value);
                wroteBound = true;
            }
            else if ((safetyIdentifier is not null && reader.ValueTextEquals("safety_identifier"u8)) || reader.ValueTextEquals("models"u8))
            {
                // Ours alone: the fallback list was routed here, and our identifier replaces the client's.
                SkipValue(ref reader);
            }
            else if (request.Stream && reader.ValueTextEquals("stream_options"u8))
            {
                reader.Read();
                WriteStreamOptions(ref reader, json, writer);
                wroteStreamOptions = true;
            }
            else
            {
                writer.WritePropertyName(reader.GetString()!);
                reader.Read();
                var start = (int)reader.TokenStartIndex;
                reader.Skip();
                writer.WriteRawValue(json[start..(int)reader.BytesConsumed], skipInputValidation: true);
            }
        }

        // A request may name its models in 'models' alone.
        if (!wroteModel)
            writer.WriteString("model", upstreamModel);
        if (safetyIdentifier is not null)
            writer.WriteString("safety_identifier", safetyIdentifier);
        if (!wroteBound && outputBound is { } bound)
            writer.WriteNumber(defaultField == BoundField.MaxTokens ? "max_tokens" : "max_completion_tokens", bound);
        if (request.Stream && !wroteStreamOptions)
        {
            writer.WriteStartObject("stream_options");
            writer.WriteBoolean("include_usage", true);
            writer.WriteEndObject();
        }
        writer.WriteEndObject();
    }

    /// <summary>Always asks for the usage chunk (we bill by it), keeping the client's other stream options.</summary>
    private static void WriteStreamOptions(ref Utf8JsonReader reader, ReadOnlySpan<byte> json, Utf8JsonWriter writer)
    {
        writer.WriteStartObject("stream_options");
        if (reader.TokenType == JsonTokenType.StartObject)
        {
            while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
            {
                var name = reader.GetString()!;
                reader.Read();
                var start = (int)reader.TokenStartIndex;
                reader.Skip();
                if (name == "include_usage")
                    continue;
                writer.WritePropertyName(name);
                writer.WriteRawValue(json[start..(int)reader.BytesConsumed], skipInputValidation: true);
            }
        }
        writer.WriteBoolean("include_usage", true);
        writer.WriteEndObject();
    }

    private static void SkipValue(ref Utf8JsonReader reader)
    {
        reader.Read();
        reader.Skip();
    }
}
