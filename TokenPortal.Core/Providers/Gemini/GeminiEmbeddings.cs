using System.Buffers;
using System.Text.Json;
using System.Text.Json.Nodes;
using TokenPortal.Core.Protocol;

namespace TokenPortal.Core.Providers.Gemini;

/// <summary>OpenAI embeddings requests and answers as Gemini's <c>batchEmbedContents</c>.</summary>
internal static class GeminiEmbeddings
{
    public static byte[] ConvertRequest(ReadOnlySpan<byte> openAIJson, string upstreamModel)
    {
        var request = Protocol.RepeatedProperty.ParseStrict(openAIJson)!.AsObject();
        var texts = request["input"] switch
        {
            JsonArray list when list.All(i => i!.GetValueKind() == JsonValueKind.String) => list.Select(i => i!.GetValue<string>()).ToList(),
            JsonValue single when single.GetValueKind() == JsonValueKind.String => [single.GetValue<string>()],
            _ => throw new UnsupportedRequestException("Gemini embeds text: 'input' must be a string or an array of strings, not token ids.", "input"),
        };
        var dimensions = request["dimensions"] is JsonValue d && d.GetValueKind() == JsonValueKind.Number ? d.GetValue<int>() : (int?)null;
        var requests = new JsonArray();
        foreach (var text in texts)
        {
            var item = new JsonObject
            {
                ["model"] = "models/" + upstreamModel,
                ["content"] = new JsonObject { ["parts"] = new JsonArray(new JsonObject { ["text"] = text }) },
            };
            if (dimensions is { } size)
                item["outputDimensionality"] = size;
            requests.Add(item);
        }
        return JsonSerializer.SerializeToUtf8Bytes(new JsonObject { ["requests"] = requests });
    }

    /// <summary>Gemini reports no token usage for embeddings: the relay counts the input itself.</summary>
    public static byte[]? ConvertResponse(ReadOnlySpan<byte> geminiJson, ReadOnlySpan<byte> openAIRequest, string model)
    {
        JsonArray embeddings;
        try
        {
            if (JsonNode.Parse(geminiJson)?["embeddings"] is not JsonArray list)
                return null;
            embeddings = list;
        }
        catch (JsonException)
        {
            return null;
        }
        var base64 = JsonNode.Parse(openAIRequest)?["encoding_format"]?.GetValue<string>() == "base64";
        var buffer = new ArrayBufferWriter<byte>(4096);
        using (var writer = new Utf8JsonWriter(buffer, JsonWriting.Options))
        {
            writer.WriteStartObject();
            writer.WriteString("object", "list");
            writer.WriteStartArray("data");
            for (var i = 0; i < embeddings.Count; i++)
            {
                var values = embeddings[i]?["values"]?.AsArray().Select(v => v!.GetValue<float>()).ToArray() ?? [];
                writer.WriteStartObject();
                writer.WriteString("object", "embedding");
                writer.WriteNumber("index", i);
                if (base64)
                {
                    // OpenAI's base64 format: little-endian float32s.
                    var bytes = new byte[values.Length * sizeof(float)];
                    Buffer.BlockCopy(values, 0, bytes, 0, bytes.Length);
                    writer.WriteString("embedding", Convert.ToBase64String(bytes));
                }
                else
                {
                    writer.WriteStartArray("embedding");
                    foreach (var value in values)
                        writer.WriteNumberValue(value);
                    writer.WriteEndArray();
                }
                writer.WriteEndObject();
            }
            writer.WriteEndArray();
            writer.WriteString("model", model);
            writer.WriteEndObject();
        }
        return buffer.WrittenSpan.ToArray();
    }
}
