using System.Buffers;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using TokenPortal.Core.Gateway;
using TokenPortal.Core.Gateway.Dialects;

namespace TokenPortal.Core.Protocol.Responses;

/// <summary>
/// OpenAI chat chunks as the Responses stream's typed events, each with its <c>event:</c> line and a
/// <c>sequence_number</c>: <c>response.created</c> and <c>response.in_progress</c> on the first chunk; the text as a
/// message item (<c>output_item.added</c>, <c>content_part.added</c>, <c>output_text.delta</c>... and their
/// <c>.done</c>s); each tool call as its own <c>function_call</c> item with <c>function_call_arguments</c> deltas;
/// reasoning (chat's <c>reasoning_content</c>) as a reasoning item with <c>reasoning_text</c> deltas; then
/// <c>response.completed</c> (or <c>response.incomplete</c>) with the whole Response and its usage, from the usage
/// chunk the gateway always requests. A failure after the first byte ends it with <c>response.failed</c> and <c>error</c>.
/// </summary>
internal sealed class ResponsesStreamEncoder(string responseToken, TimeProvider clock) : IStreamEncoder
{
    private readonly List<ResponseOutputItem> _items = [];
    private readonly Dictionary<int, ResponseOutputItem> _toolCalls = [];
    private ResponseHeader? _header;
    private ResponseOutputItem? _open;
    private int _sequence;
    private string? _finishReason;
    private JsonNode? _usage;

    public void WriteChunk(ReadOnlySpan<byte> openAIChunk, IBufferWriter<byte> output)
    {
        var chunk = JsonNode.Parse(openAIChunk)!.AsObject();
        var header = Start(chunk, output);
        if (chunk["usage"] is JsonObject usage)
            _usage = usage;
        var choice = chunk["choices"]?.AsArray().FirstOrDefault();
        if (choice is null)
            return;

        var delta = choice["delta"];
        if (Fragment(delta?["reasoning_content"]) is { } reasoning)
            AppendReasoning(header, reasoning, output);
        if (Fragment(delta?["content"]) is { } text)
            AppendText(header, text, output);
        if (Fragment(delta?["refusal"]) is { } refusal)
            AppendRefusal(header, refusal, output);
        foreach (var call in delta?["tool_calls"]?.AsArray() ?? [])
            AppendToolCall(header, call!, output);
        if (choice["finish_reason"] is JsonValue finish && finish.GetValueKind() == JsonValueKind.String)
            _finishReason = finish.GetValue<string>();
    }

    public void WriteEnd(IBufferWriter<byte> output)
    {
        var header = _header ?? Start(new JsonObject(), output);
        // An answer with nothing in it still has its (empty) message, as a whole reply does.
        if (_items.Count == 0)
            AppendText(header, "", output);
        CloseOpen(output);
        var (status, incompleteReason) = ResponseObjectWriter.StatusOf(_finishReason);
        Event(status == "completed" ? "response.completed" : "response.incomplete", output, w =>
        {
            w.WritePropertyName("response");
            ResponseObjectWriter.Write(w, header, status, incompleteReason, _items, _usage);
        });
    }

    public void WriteError(GatewayError error, IBufferWriter<byte> output)
    {
        var header = _header ?? Start(new JsonObject(), output);
        Event("response.failed", output, w =>
        {
            w.WritePropertyName("response");
            ResponseObjectWriter.Write(w, header, "failed", null, _items, _usage, ("server_error", error.Message));
        });
        Event("error", output, w =>
        {
            w.WriteString("code", error.Code);
            w.WriteString("message", error.Message);
            if (error.Param is null)
                w.WriteNull("param");
            else
                w.WriteString("param", error.Param);
        });
    }

    private ResponseHeader Start(JsonObject chunk, IBufferWriter<byte> output)
    {
        if (_header is { } started)
            return started;
        var header = _header = new ResponseHeader("resp_" + responseToken, clock.GetUtcNow().ToUnixTimeSeconds(), chunk["model"]?.GetValue<string>() ?? "");
        foreach (var type in (string[])["response.created", "response.in_progress"])
        {
            Event(type, output, w =>
            {
                w.WritePropertyName("response");
                ResponseObjectWriter.Write(w, header, "in_progress", null, [], null);
            });
        }
        return header;
    }

    private void AppendReasoning(ResponseHeader header, string fragment, IBufferWriter<byte> output)
    {
        var item = OpenItem(header, ResponseOutputItem.ItemKind.Reasoning, "rs", output);
        if (item.TextPart < 0)
        {
            item.TextPart = 0;
            PartEvent("response.content_part.added", item, 0, output, w => ResponseOutputItem.WriteReasoningPart(w, ""));
        }
        item.Text.Append(fragment);
        ItemEvent("response.reasoning_text.delta", item, output, w =>
        {
            w.WriteNumber("content_index", 0);
            w.WriteString("delta", fragment);
        });
    }

    private void AppendText(ResponseHeader header, string fragment, IBufferWriter<byte> output)
    {
        var item = OpenItem(header, ResponseOutputItem.ItemKind.Message, "msg", output);
        if (item.TextPart < 0)
        {
            item.TextPart = item.RefusalPart + 1;
            PartEvent("response.content_part.added", item, item.TextPart, output, w => ResponseOutputItem.WriteTextPart(w, ""));
        }
        if (fragment.Length == 0)
            return;
        item.Text.Append(fragment);
        ItemEvent("response.output_text.delta", item, output, w =>
        {
            w.WriteNumber("content_index", item.TextPart);
            w.WriteString("delta", fragment);
            w.WriteStartArray("logprobs");
            w.WriteEndArray();
        });
    }

    private void AppendRefusal(ResponseHeader header, string fragment, IBufferWriter<byte> output)
    {
        var item = OpenItem(header, ResponseOutputItem.ItemKind.Message, "msg", output);
        if (item.RefusalPart < 0)
        {
            item.RefusalPart = item.TextPart + 1;
            item.Refusal = new StringBuilder();
            PartEvent("response.content_part.added", item, item.RefusalPart, output, w => ResponseOutputItem.WriteRefusalPart(w, ""));
        }
        item.Refusal!.Append(fragment);
        ItemEvent("response.refusal.delta", item, output, w =>
        {
            w.WriteNumber("content_index", item.RefusalPart);
            w.WriteString("delta", fragment);
        });
    }

    /// <summary>
    /// A tool call fragment. Providers stream one call after another, so a new call closes the item before it, as
    /// OpenAI's own stream does; a late fragment of an earlier call still reaches it.
    /// </summary>
    private void AppendToolCall(ResponseHeader header, JsonNode call, IBufferWriter<byte> output)
    {
        var index = call["index"]?.GetValue<int>() ?? 0;
        var callId = call["id"] is null ? null : ToolCallIds.ForClient(call, "");
        if (!_toolCalls.TryGetValue(index, out var item) || (callId is not null && callId != item.CallId))
        {
            CloseOpen(output);
            item = new ResponseOutputItem(ResponseOutputItem.ItemKind.FunctionCall, header.ItemId("fc", _items.Count))
            {
                CallId = callId ?? $"call_{responseToken}_{index}",
                Name = call["function"]?["name"]?.GetValue<string>() ?? "",
            };
            _toolCalls[index] = item;
            Add(item, output);
            _open = item;
        }
        if (string.IsNullOrEmpty(item.Name) && call["function"]?["name"]?.GetValue<string>() is { Length: > 0 } name)
            item.Name = name;
        if (call["function"]?["arguments"]?.GetValue<string>() is { Length: > 0 } arguments)
        {
            item.Text.Append(arguments);
            ItemEvent("response.function_call_arguments.delta", item, output, w => w.WriteString("delta", arguments));
        }
    }

    /// <summary>The open reasoning or message item of <paramref name="kind"/>, opening one (and closing the item before) when needed.</summary>
    private ResponseOutputItem OpenItem(ResponseHeader header, ResponseOutputItem.ItemKind kind, string idPrefix, IBufferWriter<byte> output)
    {
        if (_open?.Kind == kind)
            return _open;
        CloseOpen(output);
        var item = new ResponseOutputItem(kind, header.ItemId(idPrefix, _items.Count));
        Add(item, output);
        return _open = item;
    }

    private void Add(ResponseOutputItem item, IBufferWriter<byte> output)
    {
        var index = _items.Count;
        _items.Add(item);
        Event("response.output_item.added", output, w =>
        {
            w.WriteNumber("output_index", index);
            w.WritePropertyName("item");
            item.WriteTo(w, "in_progress", withContent: false);
        });
    }

    private void CloseOpen(IBufferWriter<byte> output)
    {
        if (_open is null)
            return;
        Close(_open, output);
        _open = null;
    }

    private void Close(ResponseOutputItem item, IBufferWriter<byte> output)
    {
        var status = ResponseObjectWriter.StatusOf(_finishReason).Status == "incomplete" ? "incomplete" : "completed";
        switch (item.Kind)
        {
            case ResponseOutputItem.ItemKind.Reasoning:
                var reasoning = item.Text.ToString();
                ItemEvent("response.reasoning_text.done", item, output, w =>
                {
                    w.WriteNumber("content_index", 0);
                    w.WriteString("text", reasoning);
                });
                PartEvent("response.content_part.done", item, 0, output, w => ResponseOutputItem.WriteReasoningPart(w, reasoning));
                break;
            case ResponseOutputItem.ItemKind.Message:
                for (var part = 0; part < 2; part++)
                {
                    if (part == item.TextPart)
                        CloseText(item, output);
                    else if (part == item.RefusalPart)
                        CloseRefusal(item, output);
                }
                break;
            case ResponseOutputItem.ItemKind.FunctionCall:
                ItemEvent("response.function_call_arguments.done", item, output, w => w.WriteString("arguments", item.Text.ToString()));
                break;
        }
        var index = _items.IndexOf(item);
        Event("response.output_item.done", output, w =>
        {
            w.WriteNumber("output_index", index);
            w.WritePropertyName("item");
            item.WriteTo(w, status);
        });
    }

    private void CloseText(ResponseOutputItem item, IBufferWriter<byte> output)
    {
        var text = item.Text.ToString();
        ItemEvent("response.output_text.done", item, output, w =>
        {
            w.WriteNumber("content_index", item.TextPart);
            w.WriteString("text", text);
            w.WriteStartArray("logprobs");
            w.WriteEndArray();
        });
        PartEvent("response.content_part.done", item, item.TextPart, output, w => ResponseOutputItem.WriteTextPart(w, text));
    }

    private void CloseRefusal(ResponseOutputItem item, IBufferWriter<byte> output)
    {
        var refusal = item.Refusal?.ToString() ?? "";
        ItemEvent("response.refusal.done", item, output, w =>
        {
            w.WriteNumber("content_index", item.RefusalPart);
            w.WriteString("refusal", refusal);
        });
        PartEvent("response.content_part.done", item, item.RefusalPart, output, w => ResponseOutputItem.WriteRefusalPart(w, refusal));
    }

    private void PartEvent(string type, ResponseOutputItem item, int contentIndex, IBufferWriter<byte> output, Action<Utf8JsonWriter> writePart) =>
        ItemEvent(type, item, output, w =>
        {
            w.WriteNumber("content_index", contentIndex);
            w.WritePropertyName("part");
            writePart(w);
        });

    /// <summary>An event about one item: its id and output index, then <paramref name="writeBody"/>.</summary>
    private void ItemEvent(string type, ResponseOutputItem item, IBufferWriter<byte> output, Action<Utf8JsonWriter> writeBody)
    {
        var index = _items.IndexOf(item);
        Event(type, output, w =>
        {
            w.WriteString("item_id", item.Id);
            w.WriteNumber("output_index", index);
            writeBody(w);
        });
    }

    private void Event(string type, IBufferWriter<byte> output, Action<Utf8JsonWriter> writeBody)
    {
        output.Write("event: "u8);
        output.Write(Encoding.UTF8.GetBytes(type));
        output.Write("\ndata: "u8);
        using (var writer = new Utf8JsonWriter(output, JsonWriting.Options))
        {
            writer.WriteStartObject();
            writer.WriteString("type", type);
            writer.WriteNumber("sequence_number", _sequence++);
            writeBody(writer);
            writer.WriteEndObject();
        }
        output.Write("\n\n"u8);
    }

    private static string? Fragment(JsonNode? value) =>
        value is JsonValue text && text.GetValueKind() == JsonValueKind.String && text.GetValue<string>() is { Length: > 0 } fragment ? fragment : null;
}
