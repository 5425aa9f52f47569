using System.Buffers;
using System.Text.Json;
using System.Text.Json.Nodes;
using TokenPortal.Core.Gateway.Sse;
using TokenPortal.Core.Protocol;

namespace TokenPortal.Core.Providers.Anthropic;

/// <summary>
/// Anthropic's event sequence as OpenAI chunks, one stream at a time:
/// <c>message_start</c> → the role chunk; text deltas → content chunks; a <c>tool_use</c> block → a
/// tool call delta (its own <c>index</c>, <c>id</c>, <c>name</c>) then its <c>input_json_delta</c> fragments
/// as <c>arguments</c>; <c>message_delta</c> → the finish chunk; <c>message_stop</c> → the usage chunk.
/// <c>ping</c> is dropped; <c>error</c> becomes an error payload the relay turns into an error event.
/// </summary>
internal sealed class AnthropicStreamTranslator(long created) : IChatStreamTranslator
{
    private readonly Dictionary<int, int> _toolIndexByBlock = [];
    private readonly AnthropicUsage _usage = new();
    private string _id = "msg";
    private string _model = "";

    public bool Translate(SseEvent upstreamEvent, List<ReadOnlyMemory<byte>> chunks)
    {
        JsonObject data;
        try
        {
            data = JsonNode.Parse(upstreamEvent.Data.Span)!.AsObject();
        }
        catch (Exception ex) when (ex is JsonException or InvalidOperationException or NullReferenceException)
        {
            chunks.Add("{\"error\":{\"message\":\"The provider sent an event that is not JSON.\"}}"u8.ToArray());
            return false;
        }

        switch (data["type"]?.GetValue<string>())
        {
            case "message_start":
                var message = data["message"];
                _id = message?["id"]?.GetValue<string>() ?? _id;
                _model = message?["model"]?.GetValue<string>() ?? _model;
                _usage.Update(message?["usage"]);
                chunks.Add(Chunk(w => { w.WriteString("role", "assistant"); w.WriteString("content", ""); }));
                return true;

            case "content_block_start":
                var block = data["content_block"];
                var blockIndex = data["index"]?.GetValue<int>() ?? 0;
                if (block?["type"]?.GetValue<string>() == "tool_use")
                {
                    var toolIndex = _toolIndexByBlock.Count;
                    _toolIndexByBlock[blockIndex] = toolIndex;
                    chunks.Add(ToolCallChunk(toolIndex, block["id"]?.GetValue<string>(), block["name"]?.GetValue<string>(), ""));
                }
                else if (block?["type"]?.GetValue<string>() == "text" && block["text"]?.GetValue<string>() is { Length: > 0 } text)
                {
                    chunks.Add(Chunk(w => w.WriteString("content", text)));
                }
                return true;

            case "content_block_delta":
                var delta = data["delta"];
                switch (delta?["type"]?.GetValue<string>())
                {
                    case "text_delta":
                        var fragment = delta["text"]?.GetValue<string>() ?? "";
                        chunks.Add(Chunk(w => w.WriteString("content", fragment)));
                        break;
                    case "input_json_delta" when _toolIndexByBlock.TryGetValue(data["index"]?.GetValue<int>() ?? -1, out var index):
                        chunks.Add(ToolCallChunk(index, null, null, delta["partial_json"]?.GetValue<string>() ?? ""));
                        break;
                }
                return true;

            case "message_delta":
                _usage.Update(data["usage"]);
                var finish = AnthropicStopReason.ToFinishReason(data["delta"]?["stop_reason"]?.GetValue<string>());
                chunks.Add(Chunk(_ => { }, finish));
                return true;

            case "message_stop":
                chunks.Add(UsageChunk());
                return false;

            case "error":
                chunks.Add(AnthropicResponseConverter.ErrorPayload(data["error"] as JsonObject ?? []));
                return false;

            default: // ping, content_block_stop, and event types added later
                return true;
        }
    }

    private byte[] ToolCallChunk(int index, string? id, string? name, string arguments) => Chunk(w =>
    {
        w.WriteStartArray("tool_calls");
        w.WriteStartObject();
        w.WriteNumber("index", index);
        if (id is not null)
        {
            w.WriteString("id", id);
            w.WriteString("type", "function");
        }
        w.WriteStartObject("function");
        if (name is not null)
            w.WriteString("name", name);
        w.WriteString("arguments", arguments);
        w.WriteEndObject();
        w.WriteEndObject();
        w.WriteEndArray();
    });

    private byte[] Chunk(Action<Utf8JsonWriter> writeDelta, string? finishReason = null) => Write(writer =>
    {
        writer.WriteStartArray("choices");
        writer.WriteStartObject();
        writer.WriteNumber("index", 0);
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

    private byte[] UsageChunk() => Write(writer =>
    {
        writer.WriteStartArray("choices");
        writer.WriteEndArray();
        _usage.WriteOpenAI(writer);
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
            writer.WriteString("model", _model);
            body(writer);
            writer.WriteEndObject();
        }
        return buffer.WrittenSpan.ToArray();
    }
}
