using System.Text.Json;
using System.Text.Json.Nodes;
using TokenPortal.Core.Gateway.Sse;
using TokenPortal.Core.Protocol.OpenAI;

namespace TokenPortal.Core.Providers.Gemini;

/// <summary>
/// Gemini's <c>streamGenerateContent?alt=sse</c> as OpenAI chunks. Each event is a partial response: its
/// thought parts become <c>reasoning_content</c> chunks, its text parts content chunks, each function call (Gemini sends them whole) a tool call with its
/// arguments in one piece, a <c>finishReason</c> the finish chunk. The stream simply ends; the usage chunk
/// follows from the <c>usageMetadata</c> that came with the finish (or after it). Usage from earlier chunks
/// counts only the prompt: the output was still growing, so without a final count it is counted locally.
/// </summary>
internal sealed class GeminiStreamTranslator(string model, long created) : IChatStreamTranslator
{
    private readonly OpenAIChunkWriter _chunks = new("chatcmpl-" + Guid.NewGuid().ToString("N"), model, created);
    private readonly Dictionary<int, int> _callsByCandidate = [];
    private JsonNode? _usage;
    private JsonNode? _finalUsage;
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
        if (_finished || (response["candidates"] as JsonArray)?.Any(c => c?["finishReason"] is not null) == true)
            _finalUsage = response["usageMetadata"] ?? _finalUsage;
        if (!_started)
        {
            _started = true;
            chunks.Add(_chunks.Delta(0, w => { w.WriteString("role", "assistant"); w.WriteString("content", ""); }));
        }
        if (response["promptFeedback"]?["blockReason"] is not null && response["candidates"] is null)
        {
            _finished = true;
            chunks.Add(_chunks.Delta(0, _ => { }, "content_filter"));
            return true;
        }

        var candidates = response["candidates"] as JsonArray ?? [];
        for (var i = 0; i < candidates.Count; i++)
        {
            var candidate = candidates[i];
            var index = candidate?["index"]?.GetValue<int>() ?? i;
            if (GeminiCandidates.Thoughts(candidate) is { Length: > 0 } thoughts)
                chunks.Add(_chunks.Delta(index, w => w.WriteString("reasoning_content", thoughts)));
            if (GeminiCandidates.Text(candidate) is { Length: > 0 } text)
                chunks.Add(_chunks.Delta(index, w => w.WriteString("content", text)));
            foreach (var call in GeminiCandidates.FunctionCalls(candidate))
                chunks.Add(ToolCallChunk(index, call));
            if (candidate?["finishReason"]?.GetValue<string>() is { } reason)
            {
                _finished = true;
                chunks.Add(_chunks.Delta(index, _ => { }, GeminiCandidates.FinishReason(reason, _callsByCandidate.ContainsKey(index))));
            }
        }
        return true;
    }

    public bool TryFinish(List<ReadOnlyMemory<byte>> chunks)
    {
        if (!_finished)
            return false;
        WriteKnownUsage(chunks);
        return true;
    }

    public void WriteKnownUsage(List<ReadOnlyMemory<byte>> chunks)
    {
        if (_finalUsage is not null)
            chunks.Add(_chunks.Usage(w => GeminiCandidates.WriteUsage(_finalUsage, w)));
        else if (_usage is not null)
            chunks.Add(_chunks.Usage(w => GeminiCandidates.WriteUsage(_usage, w, final: false)));
    }

    private byte[] ToolCallChunk(int candidate, JsonObject call)
    {
        var number = _callsByCandidate.GetValueOrDefault(candidate);
        _callsByCandidate[candidate] = number + 1;
        return _chunks.ToolCall(candidate, number, call["id"]?.GetValue<string>() ?? GeminiCandidates.CallId(candidate, number),
            call["name"]!.GetValue<string>(), call["args"]?.ToJsonString() ?? "{}", w => GeminiCandidates.WriteSignature(w, GeminiCandidates.ThoughtSignature(call)));
    }
}
