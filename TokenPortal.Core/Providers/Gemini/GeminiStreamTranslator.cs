using System.Buffers;
using System.Text.Json;
using System.Text.Json.Nodes;
using TokenPortal.Core.Gateway.Sse;
using TokenPortal.Core.Protocol;

namespace TokenPortal.Core.Providers.Gemini;

/// <summary>
/// Gemini's <c>streamGenerateContent?alt=sse</c> as OpenAI chunks. Each event is a partial response: its
/// text parts become content chunks, each function call (Gemini sends them whole) a tool call with its
/// arguments in one piece, a <c>finishReason</c> the finish chunk. The stream simply ends; the usage chunk
/// follows from the last <c>usageMetadata</c>.
/// </summary>
internal sealed class GeminiStreamTranslator(string model, long created) : IChatStreamTranslator
{
    private readonly string _id = "chatcmpl-" + Guid.NewGuid().ToString("N");
    private readonly Dictionary<int, int> _callsByCandidate = [];
    private JsonNode? _usage;
    private bool _started;
    private bool _finished;

    public bool Translate(SseEvent upstreamEvent, List<ReadOnlyMemory<byte>> chunks)
    {
        JsonObject response;
        try
        {
            response = JsonNode.Parse(upstreamEvent.Data.Span) as JsonObject ?? throw new JsonException();
        }
        catch (JsonException)
        {
            chunks.Add("{\"error\":{\"message\":\"The provider sent an event that is not JSON.\"}}"u8.ToArray());
            return false;
        }
        if (response["error"] is JsonObject error)
        {
            chunks.Add(JsonSerializer.SerializeToUtf8Bytes(new JsonObject { ["error"] = new JsonObject { ["message"] = error["message"]?.GetValue<string>() } }));
            return false;
        }

        _usage = response["usageMetadata"] ?? _usage;
        if (!_started)
        {
            _started = true;
            chunks.Add(Chunk(0, w => { w.WriteString("role", "assistant"); w.WriteString("content", ""); }, null));
        }
        if (response["promptFeedback"]?["blockReason"] is not null && response["candidates"] is null)
        {
            _finished = true;
            chunks.Add(Chunk(0, _ => { }, "content_filter"));
            return true;
        }

        var candidates = response["candidates"] as JsonArray ?? [];
        for (var i = 0; i < candidates.Count; i++)
        {
            var candidate = candidates[i];
            var index = candidate?["index"]?.GetValue<int>() ?? i;
            if (GeminiCandidates.Text(candidate) is { Length: > 0 } text)
                chunks.Add(Chunk(index, w => w.WriteString("content", text), null));
            foreach (var call in GeminiCandidates.FunctionCalls(candidate))
                chunks.Add(ToolCallChunk(index, call));
            if (candidate?["finishReason"]?.GetValue<string>() is { } reason)
            {
                _finished = true;
                chunks.Add(Chunk(index, _ => { }, GeminiCandidates.FinishReason(reason, _callsByCandidate.ContainsKey(index))));
            }
        }
        return true;
    }

    public bool TryFinish(List<ReadOnlyMemory<byte>> chunks)
    {
        if (!_finished)
            return false;
        chunks.Add(Write(w =>
        {
            w.WriteStartArray("choices");
            w.WriteEndArray();
            GeminiCandidates.WriteUsage(_usage, w);
        }));
        return true;
    }

    private byte[] ToolCallChunk(int candidate, JsonObject call)
    {
        var number = _callsByCandidate.GetValueOrDefault(candidate);
        _callsByCandidate[candidate] = number + 1;
        return Chunk(candidate, w =>
        {
            w.WriteStartArray("tool_calls");
            w.WriteStartObject();
            w.WriteNumber("index", number);
            w.WriteString("id", call["id"]?.GetValue<string>() ?? GeminiCandidates.CallId(candidate, number));
            w.WriteString("type", "function");
            w.WriteStartObject("function");
            w.WriteString("name", call["name"]!.GetValue<string>());
            w.WriteString("arguments", call["args"]?.ToJsonString() ?? "{}");
            w.WriteEndObject();
            w.WriteEndObject();
            w.WriteEndArray();
        }, null);
    }

    private byte[] Chunk(int index, Action<Utf8JsonWriter> writeDelta, string? finishReason) => Write(writer =>
    {
        writer.WriteStartArray("choices");
        writer.WriteStartObject();
        writer.WriteNumber("index", index);
        writer.WriteStartObject("delta");
        writeDelta(writer);
        writer.WriteEndObject();
        writer.WriteNull("logprobs");
        if (finishReason is null)
            writer.WriteNull("finish_reason");
        else
            writer.WriteString("finish_reason", finishReason);
        writer.WriteEndObject();
        writer.WriteEndArray();
    });

    private byte[] Write(Action<Utf8JsonWriter> body)
    {
        var buffer = new ArrayBufferWriter<byte>(256);
        using (var writer = new Utf8JsonWriter(buffer, JsonWriting.Options))
        {
            writer.WriteStartObject();
            writer.WriteString("id", _id);
            writer.WriteString("object", "chat.completion.chunk");
            writer.WriteNumber("created", created);
            writer.WriteString("model", model);
            body(writer);
            writer.WriteEndObject();
        }
        return buffer.WrittenSpan.ToArray();
    }
}
