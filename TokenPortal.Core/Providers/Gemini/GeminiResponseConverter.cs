using System.Buffers;
using System.Text.Json;
using System.Text.Json.Nodes;
using TokenPortal.Core.Protocol;

namespace TokenPortal.Core.Providers.Gemini;

/// <summary>A Gemini <c>GenerateContentResponse</c> as an OpenAI chat completion, one choice per candidate.</summary>
internal static class GeminiResponseConverter
{
    public static byte[]? Convert(ReadOnlySpan<byte> geminiJson, string model, long created)
    {
        JsonObject response;
        try
        {
            response = JsonNode.Parse(geminiJson) as JsonObject ?? throw new JsonException();
        }
        catch (JsonException)
        {
            return null;
        }
        if (response["error"] is JsonObject error)
            return JsonSerializer.SerializeToUtf8Bytes(new JsonObject { ["error"] = new JsonObject { ["message"] = error["message"]?.GetValue<string>() } });
        var candidates = response["candidates"] as JsonArray ?? [];
        if (candidates.Count == 0 && response["promptFeedback"]?["blockReason"] is null)
            return null;

        var buffer = new ArrayBufferWriter<byte>(1024);
        using (var writer = new Utf8JsonWriter(buffer, JsonWriting.Options))
        {
            writer.WriteStartObject();
            writer.WriteString("id", "chatcmpl-" + (response["responseId"]?.GetValue<string>() ?? Guid.NewGuid().ToString("N")));
            writer.WriteString("object", "chat.completion");
            writer.WriteNumber("created", created);
            writer.WriteString("model", response["modelVersion"]?.GetValue<string>() ?? model);
            writer.WriteStartArray("choices");
            if (candidates.Count == 0)
            {
                // The prompt itself was blocked: an empty answer that says why.
                WriteChoice(writer, 0, "", "", [], "content_filter");
            }
            for (var i = 0; i < candidates.Count; i++)
            {
                var candidate = candidates[i];
                var index = candidate?["index"]?.GetValue<int>() ?? i;
                var calls = GeminiCandidates.FunctionCalls(candidate).ToList();
                WriteChoice(writer, index, GeminiCandidates.Text(candidate), GeminiCandidates.Thoughts(candidate), calls,
                    GeminiCandidates.FinishReason(candidate?["finishReason"]?.GetValue<string>(), calls.Count > 0));
            }
            writer.WriteEndArray();
            GeminiCandidates.WriteUsage(response["usageMetadata"], writer);
            writer.WriteEndObject();
        }
        return buffer.WrittenSpan.ToArray();
    }

    private static void WriteChoice(Utf8JsonWriter writer, int index, string text, string thoughts, List<JsonObject> calls, string finishReason)
    {
        writer.WriteStartObject();
        writer.WriteNumber("index", index);
        writer.WriteStartObject("message");
        writer.WriteString("role", "assistant");
        writer.WriteString("content", text);
        if (thoughts.Length > 0)
            writer.WriteString("reasoning_content", thoughts);
        if (calls.Count > 0)
        {
            writer.WriteStartArray("tool_calls");
            for (var c = 0; c < calls.Count; c++)
            {
                writer.WriteStartObject();
                writer.WriteString("id", calls[c]["id"]?.GetValue<string>() ?? GeminiCandidates.CallId(index, c));
                writer.WriteString("type", "function");
                writer.WriteStartObject("function");
                writer.WriteString("name", calls[c]["name"]!.GetValue<string>());
                writer.WriteString("arguments", calls[c]["args"]?.ToJsonString() ?? "{}");
                writer.WriteEndObject();
                GeminiCandidates.WriteSignature(writer, GeminiCandidates.ThoughtSignature(calls[c]));
                writer.WriteEndObject();
            }
            writer.WriteEndArray();
        }
        writer.WriteEndObject();
        writer.WriteNull("logprobs");
        writer.WriteString("finish_reason", finishReason);
        writer.WriteEndObject();
    }
}
