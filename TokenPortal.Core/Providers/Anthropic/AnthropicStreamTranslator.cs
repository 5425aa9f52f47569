using System.Text.Json;
using System.Text.Json.Nodes;
using TokenPortal.Core.Gateway.Sse;
using TokenPortal.Core.Protocol.OpenAI;

namespace TokenPortal.Core.Providers.Anthropic;

/// <summary>
/// Anthropic's event sequence as OpenAI chunks, one stream at a time:
/// <c>message_start</c> → the role chunk; text deltas → content chunks; a <c>tool_use</c> block → a
/// tool call delta (its own <c>index</c>, <c>id</c>, <c>name</c>) then its <c>input_json_delta</c> fragments
/// as <c>arguments</c>; thinking deltas → <c>reasoning_content</c> fragments, a thinking block's <c>signature_delta</c> and
/// a <c>redacted_thinking</c> block → a <c>reasoning_details</c> entry (signature or data; the text is the reasoning_content
/// before it); <c>message_delta</c> → the finish chunk; <c>message_stop</c> → the usage chunk. Tool call indexes count tool
/// blocks only: a thinking or text block before a tool does not shift it from 0.
/// <c>ping</c> is dropped; <c>error</c> becomes an error payload the relay turns into an error event.
/// </summary>
internal sealed class AnthropicStreamTranslator(long created, Gateway.TokenCounter? tokens = null) : IChatStreamTranslator
{
    private readonly Dictionary<int, int> _toolIndexByBlock = [];
    private readonly AnthropicUsage _usage = new(tokens);
    private readonly OpenAIChunkWriter _chunks = new("msg", "", created);

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
                _chunks.Id = message?["id"]?.GetValue<string>() ?? _chunks.Id;
                _chunks.Model = message?["model"]?.GetValue<string>() ?? _chunks.Model;
                _usage.Update(message?["usage"], final: false);
                chunks.Add(_chunks.Delta(0, w => { w.WriteString("role", "assistant"); w.WriteString("content", ""); }));
                return true;

            case "content_block_start":
                var block = data["content_block"];
                var blockIndex = data["index"]?.GetValue<int>() ?? 0;
                if (block?["type"]?.GetValue<string>() == "tool_use")
                {
                    var toolIndex = _toolIndexByBlock.Count;
                    _toolIndexByBlock[blockIndex] = toolIndex;
                    chunks.Add(_chunks.ToolCall(0, toolIndex, block["id"]?.GetValue<string>(), block["name"]?.GetValue<string>(), ""));
                }
                else if (block?["type"]?.GetValue<string>() == "text" && block["text"]?.GetValue<string>() is { Length: > 0 } text)
                {
                    chunks.Add(_chunks.Delta(0, w => w.WriteString("content", text)));
                }
                else if (block?["type"]?.GetValue<string>() == "thinking" && block["thinking"]?.GetValue<string>() is { Length: > 0 } thought)
                {
                    chunks.Add(_chunks.Delta(0, w => w.WriteString("reasoning_content", thought)));
                    _usage.AddThinking(thought);
                }
                else if (block?["type"]?.GetValue<string>() == "redacted_thinking")
                {
                    var redacted = block["data"]?.GetValue<string>() ?? "";
                    chunks.Add(_chunks.Delta(0, w => ReasoningDetail(w, d => AnthropicThinking.WriteRedacted(d, redacted))));
                }
                return true;

            case "content_block_delta":
                var delta = data["delta"];
                switch (delta?["type"]?.GetValue<string>())
                {
                    case "text_delta":
                        var fragment = delta["text"]?.GetValue<string>() ?? "";
                        chunks.Add(_chunks.Delta(0, w => w.WriteString("content", fragment)));
                        break;
                    case "thinking_delta":
                        var thinking = delta["thinking"]?.GetValue<string>() ?? "";
                        chunks.Add(_chunks.Delta(0, w => w.WriteString("reasoning_content", thinking)));
                        _usage.AddThinking(thinking);
                        break;
                    case "signature_delta":
                        var signature = delta["signature"]?.GetValue<string>() ?? "";
                        chunks.Add(_chunks.Delta(0, w => ReasoningDetail(w, d => AnthropicThinking.WriteDetail(d, "", signature))));
                        break;
                    case "input_json_delta" when _toolIndexByBlock.TryGetValue(data["index"]?.GetValue<int>() ?? -1, out var index):
                        chunks.Add(_chunks.ToolCall(0, index, null, null, delta["partial_json"]?.GetValue<string>() ?? ""));
                        break;
                }
                return true;

            case "message_delta":
                _usage.Update(data["usage"]);
                var finish = AnthropicStopReason.ToFinishReason(data["delta"]?["stop_reason"]?.GetValue<string>());
                chunks.Add(_chunks.Delta(0, _ => { }, finish));
                return true;

            case "message_stop":
                chunks.Add(_chunks.Usage(_usage.WriteOpenAI));
                return false;

            case "error":
                chunks.Add(AnthropicResponseConverter.ErrorPayload(data["error"] as JsonObject ?? []));
                return false;

            default: // ping, content_block_stop, and event types added later
                return true;
        }
    }

    private static void ReasoningDetail(System.Text.Json.Utf8JsonWriter writer, Action<System.Text.Json.Utf8JsonWriter> writeDetail)
    {
        writer.WriteStartArray("reasoning_details");
        writeDetail(writer);
        writer.WriteEndArray();
    }

    public void WriteKnownUsage(List<ReadOnlyMemory<byte>> chunks)
    {
        if (_usage.Reported != Billing.UsageParts.None)
            chunks.Add(_chunks.Usage(_usage.WriteOpenAI));
    }

}
