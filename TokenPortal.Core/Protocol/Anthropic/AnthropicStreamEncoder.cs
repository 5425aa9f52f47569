using System.Buffers;
using System.Text.Json;
using System.Text.Json.Nodes;
using TokenPortal.Core.Gateway;
using TokenPortal.Core.Gateway.Dialects;
using TokenPortal.Core.Protocol;

namespace TokenPortal.Core.Protocol.Anthropic;

/// <summary>
/// OpenAI chunks as Anthropic's event sequence: <c>message_start</c> on the first chunk; <c>reasoning_content</c> as a
/// thinking block (<c>thinking_delta</c>s, then the <c>signature_delta</c> a <c>reasoning_details</c> entry brings);
/// a <c>reasoning.encrypted</c> entry as a <c>redacted_thinking</c> block; text as a text block; each tool call as its own <c>tool_use</c> block with <c>input_json_delta</c> fragments; at the end
/// <c>message_delta</c> (stop reason and usage, from the usage chunk the gateway always requests) and
/// <c>message_stop</c>.
/// </summary>
internal sealed class AnthropicStreamEncoder : IStreamEncoder
{
    private bool _started;
    private int _blocks;
    private BlockKind _open = BlockKind.None;
    private int _openToolIndex = -1;
    private string? _finishReason;
    private JsonNode? _usage;

    private enum BlockKind
    {
        None,
        Thinking,
        Text,
        Tool,
        Redacted,
    }

    /// <summary>The open thinking block has its signature: more thinking is a block of its own.</summary>
    private bool _thinkingSigned;

    public void WriteChunk(ReadOnlySpan<byte> openAIChunk, IBufferWriter<byte> output)
    {
        var chunk = JsonNode.Parse(openAIChunk)!.AsObject();
        if (!_started)
            Start(chunk, output);
        if (chunk["usage"] is JsonObject usage)
            _usage = usage;

        var choice = chunk["choices"]?.AsArray().FirstOrDefault();
        if (choice is null)
            return;
        var delta = choice["delta"];
        if (delta?["reasoning_content"] is JsonValue thought && thought.GetValueKind() == JsonValueKind.String && thought.GetValue<string>() is { Length: > 0 } thinking)
        {
            OpenThinking(output, force: _thinkingSigned);
            Event("content_block_delta", output, w =>
            {
                w.WriteNumber("index", _blocks - 1);
                w.WriteStartObject("delta");
                w.WriteString("type", "thinking_delta");
                w.WriteString("thinking", thinking);
                w.WriteEndObject();
            });
        }
        foreach (var detail in delta?["reasoning_details"] as JsonArray ?? [])
            WriteReasoningDetail(detail, output);
        if (delta?["content"] is JsonValue text && text.GetValueKind() == JsonValueKind.String && text.GetValue<string>() is { Length: > 0 } fragment)
        {
            Open(BlockKind.Text, -1, output, w =>
            {
                w.WriteString("type", "text");
                w.WriteString("text", "");
            });
            Event("content_block_delta", output, w =>
            {
                w.WriteNumber("index", _blocks - 1);
                w.WriteStartObject("delta");
                w.WriteString("type", "text_delta");
                w.WriteString("text", fragment);
                w.WriteEndObject();
            });
        }
        foreach (var call in delta?["tool_calls"]?.AsArray() ?? [])
            WriteToolCall(call!, output);
        if (choice["finish_reason"] is JsonValue finish && finish.GetValueKind() == JsonValueKind.String)
            _finishReason = finish.GetValue<string>();
    }

    public void WriteEnd(IBufferWriter<byte> output)
    {
        Close(output);
        Event("message_delta", output, w =>
        {
            w.WriteStartObject("delta");
            w.WriteString("stop_reason", AnthropicStopReasons.FromFinishReason(_finishReason));
            w.WriteNull("stop_sequence");
            w.WriteEndObject();
            AnthropicMessageWriter.WriteUsage(_usage, w);
        });
        Event("message_stop", output, _ => { });
    }

    public void WriteError(GatewayError error, IBufferWriter<byte> output)
    {
        output.Write("event: error\ndata: "u8);
        output.Write(AnthropicErrorWriter.ToJson(error));
        output.Write("\n\n"u8);
    }

    private void Start(JsonObject chunk, IBufferWriter<byte> output)
    {
        _started = true;
        Event("message_start", output, w =>
        {
            w.WriteStartObject("message");
            w.WriteString("id", chunk["id"]?.GetValue<string>() ?? "msg");
            w.WriteString("type", "message");
            w.WriteString("role", "assistant");
            w.WriteString("model", chunk["model"]?.GetValue<string>() ?? "");
            w.WriteStartArray("content");
            w.WriteEndArray();
            w.WriteNull("stop_reason");
            w.WriteNull("stop_sequence");
            // The counts arrive with the last chunk and are reported in message_delta.
            w.WriteStartObject("usage");
            w.WriteNumber("input_tokens", 0);
            w.WriteNumber("output_tokens", 0);
            w.WriteEndObject();
            w.WriteEndObject();
        });
    }

    private void OpenThinking(IBufferWriter<byte> output, bool force)
    {
        if (force || _open != BlockKind.Thinking)
            _thinkingSigned = false;
        Open(BlockKind.Thinking, -1, output, w =>
        {
            w.WriteString("type", "thinking");
            w.WriteString("thinking", "");
            w.WriteString("signature", "");
        }, force);
    }

    /// <summary>A signature closes its thinking block's content; a redacted block comes whole.</summary>
    private void WriteReasoningDetail(JsonNode? detail, IBufferWriter<byte> output)
    {
        switch (detail?["type"]?.GetValue<string>())
        {
            case "reasoning.text" when detail["signature"]?.GetValue<string>() is { Length: > 0 } signature:
                if (detail["text"]?.GetValue<string>() is { Length: > 0 } text)
                {
                    OpenThinking(output, force: _thinkingSigned);
                    Event("content_block_delta", output, w =>
                    {
                        w.WriteNumber("index", _blocks - 1);
                        w.WriteStartObject("delta");
                        w.WriteString("type", "thinking_delta");
                        w.WriteString("thinking", text);
                        w.WriteEndObject();
                    });
                }
                else
                {
                    OpenThinking(output, force: _thinkingSigned);
                }
                Event("content_block_delta", output, w =>
                {
                    w.WriteNumber("index", _blocks - 1);
                    w.WriteStartObject("delta");
                    w.WriteString("type", "signature_delta");
                    w.WriteString("signature", signature);
                    w.WriteEndObject();
                });
                _thinkingSigned = true;
                break;
            case "reasoning.encrypted":
                var data = detail["data"]?.GetValue<string>() ?? "";
                Open(BlockKind.Redacted, -1, output, w =>
                {
                    w.WriteString("type", "redacted_thinking");
                    w.WriteString("data", data);
                }, force: true);
                Close(output);
                break;
        }
    }

    private void WriteToolCall(JsonNode call, IBufferWriter<byte> output)
    {
        var index = call["index"]?.GetValue<int>() ?? 0;
        if (call["id"] is not null || _open != BlockKind.Tool || _openToolIndex != index)
        {
            var toolId = ToolCallIds.ForClient(call, $"toolu_{index}");
            var name = call["function"]?["name"]?.GetValue<string>() ?? "";
            Open(BlockKind.Tool, index, output, w =>
            {
                w.WriteString("type", "tool_use");
                w.WriteString("id", toolId);
                w.WriteString("name", name);
                w.WriteStartObject("input");
                w.WriteEndObject();
            }, force: true);
        }
        if (call["function"]?["arguments"]?.GetValue<string>() is { Length: > 0 } arguments)
        {
            Event("content_block_delta", output, w =>
            {
                w.WriteNumber("index", _blocks - 1);
                w.WriteStartObject("delta");
                w.WriteString("type", "input_json_delta");
                w.WriteString("partial_json", arguments);
                w.WriteEndObject();
            });
        }
    }

    private void Open(BlockKind kind, int toolIndex, IBufferWriter<byte> output, Action<Utf8JsonWriter> writeBlock, bool force = false)
    {
        if (_open == kind && !force)
            return;
        Close(output);
        _open = kind;
        _openToolIndex = toolIndex;
        var index = _blocks++;
        Event("content_block_start", output, w =>
        {
            w.WriteNumber("index", index);
            w.WriteStartObject("content_block");
            writeBlock(w);
            w.WriteEndObject();
        });
    }

    private void Close(IBufferWriter<byte> output)
    {
        if (_open == BlockKind.None)
            return;
        var index = _blocks - 1;
        Event("content_block_stop", output, w => w.WriteNumber("index", index));
        _open = BlockKind.None;
    }

    private static void Event(string type, IBufferWriter<byte> output, Action<Utf8JsonWriter> writeBody)
    {
        output.Write("event: "u8);
        output.Write(System.Text.Encoding.UTF8.GetBytes(type));
        output.Write("\ndata: "u8);
        using (var writer = new Utf8JsonWriter(output, JsonWriting.Options))
        {
            writer.WriteStartObject();
            writer.WriteString("type", type);
            writeBody(writer);
            writer.WriteEndObject();
        }
        output.Write("\n\n"u8);
    }
}
