using System.Buffers;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace TokenPortal.Core.Protocol.Responses;

/// <summary>
/// A finished OpenAI chat completion (model and usage already the gateway's) as a Response: the reasoning, if the
/// provider sent it, as a <c>reasoning</c> item; the text as a <c>message</c> item; each tool call as a
/// <c>function_call</c> item; the finish reason as the status.
/// </summary>
internal static class ResponsesWriter
{
    public static void Write(ReadOnlySpan<byte> openAICompletion, ResponseHeader header, IBufferWriter<byte> output)
    {
        var completion = JsonNode.Parse(openAICompletion)!.AsObject();
        var choice = completion["choices"]?.AsArray().FirstOrDefault();
        var message = choice?["message"];
        var items = new List<ResponseOutputItem>();

        if (message?["reasoning_content"] is JsonValue reasoning && reasoning.GetValueKind() == JsonValueKind.String && reasoning.GetValue<string>().Length > 0)
        {
            var item = new ResponseOutputItem(ResponseOutputItem.ItemKind.Reasoning, header.ItemId("rs", items.Count));
            item.Text.Append(reasoning.GetValue<string>());
            items.Add(item);
        }
        var text = message?["content"] is JsonValue content && content.GetValueKind() == JsonValueKind.String ? content.GetValue<string>() : "";
        var refusal = message?["refusal"] is JsonValue refused && refused.GetValueKind() == JsonValueKind.String ? refused.GetValue<string>() : null;
        var calls = message?["tool_calls"] as JsonArray ?? [];
        // A reply that is only tool calls has no message item; any other has one, even when its text is empty.
        if (text.Length > 0 || refusal is not null || calls.Count == 0)
        {
            var item = new ResponseOutputItem(ResponseOutputItem.ItemKind.Message, header.ItemId("msg", items.Count));
            item.Text.Append(text);
            if (text.Length > 0)
                item.TextPart = 0;
            if (refusal is not null)
            {
                item.Refusal = new System.Text.StringBuilder(refusal);
                item.RefusalPart = item.TextPart + 1;
            }
            items.Add(item);
        }
        foreach (var call in calls)
        {
            var item = new ResponseOutputItem(ResponseOutputItem.ItemKind.FunctionCall, header.ItemId("fc", items.Count))
            {
                CallId = ToolCallIds.ForClient(call!, $"call_{items.Count}"),
                Name = call!["function"]!["name"]!.GetValue<string>(),
            };
            item.Text.Append(call["function"]!["arguments"]?.GetValue<string>() ?? "");
            items.Add(item);
        }

        var (status, incompleteReason) = ResponseObjectWriter.StatusOf(choice?["finish_reason"]?.GetValue<string>());
        var named = header with { Model = completion["model"]?.GetValue<string>() ?? header.Model };
        using var writer = new Utf8JsonWriter(output, JsonWriting.Options);
        ResponseObjectWriter.Write(writer, named, status, incompleteReason, items, completion["usage"]);
    }
}
