using System.Text.Json;
using System.Text.Json.Nodes;

namespace TokenPortal.Core.Protocol.Responses;

/// <summary>
/// Responses input items as chat messages. Consecutive <c>function_call</c> items become the tool calls of one assistant
/// message (joined to the assistant text just before them, as chat expects), each <c>function_call_output</c> a tool
/// message. Reasoning items a client sends back are dropped: chat has no place for them and the provider re-reasons.
/// </summary>
internal static class ResponsesInputItems
{
    public static void Add(JsonObject item, int index, JsonArray messages)
    {
        var type = item["type"] is { } typeNode ? ResponsesRequestReader.String(typeNode, $"input[{index}].type") : "message";
        switch (type)
        {
            case "message":
                AddMessage(item, index, messages);
                break;
            case "function_call":
                AddFunctionCall(item, index, messages);
                break;
            case "function_call_output":
                messages.Add(new JsonObject
                {
                    ["role"] = "tool",
                    ["tool_call_id"] = ToolCallIds.FromClient(Required(item, "call_id", index)).Id,
                    ["content"] = OutputText(item["output"], index),
                });
                break;
            case "reasoning":
                break;
            case "item_reference":
                throw new InvalidResponsesRequestException(
                    $"input[{index}]: item references are not supported: this gateway stores no content. Send the item itself.", "input");
            default:
                throw new InvalidResponsesRequestException(
                    $"input[{index}]: items of type '{type}' are not supported. Send messages, function_call and function_call_output items.", "input");
        }
    }

    private static void AddMessage(JsonObject item, int index, JsonArray messages)
    {
        var role = Required(item, "role", index);
        var content = item["content"] ?? throw new InvalidResponsesRequestException($"input[{index}]: a message needs content.", "input");
        switch (role)
        {
            case "user":
                messages.Add(new JsonObject { ["role"] = "user", ["content"] = UserContent(content, index) });
                break;
            case "system" or "developer":
                // Every provider knows 'system'; OpenAI treats it as 'developer' for the models that have that role.
                messages.Add(new JsonObject { ["role"] = "system", ["content"] = Text(content, index) });
                break;
            case "assistant":
                messages.Add(new JsonObject { ["role"] = "assistant", ["content"] = Text(content, index) });
                break;
            default:
                throw new InvalidResponsesRequestException($"input[{index}]: role must be user, assistant, system or developer.", "input");
        }
    }

    private static void AddFunctionCall(JsonObject item, int index, JsonArray messages)
    {
        var (callId, thoughtSignature) = ToolCallIds.FromClient(Required(item, "call_id", index));
        var call = new JsonObject
        {
            ["id"] = callId,
            ["type"] = "function",
            ["function"] = new JsonObject
            {
                ["name"] = Required(item, "name", index),
                ["arguments"] = item["arguments"] is { } arguments ? ResponsesRequestReader.String(arguments, $"input[{index}].arguments") : "{}",
            },
        };
        if (thoughtSignature is not null)
            call["extra_content"] = ToolCallIds.ExtraContent(thoughtSignature);
        // Chat wants the calls of one turn on one assistant message, the one that may also hold the turn's text.
        if (messages.Count > 0 && messages[^1] is JsonObject last && last["role"]!.GetValue<string>() == "assistant")
        {
            if (last["tool_calls"] is not JsonArray calls)
                last["tool_calls"] = calls = [];
            calls.Add(call);
            return;
        }
        messages.Add(new JsonObject { ["role"] = "assistant", ["content"] = null, ["tool_calls"] = new JsonArray(call) });
    }

    /// <summary>A user message's content: a string, or parts (text and images; files and audio are refused).</summary>
    private static JsonNode UserContent(JsonNode content, int index)
    {
        if (content.GetValueKind() == JsonValueKind.String)
            return content.GetValue<string>();
        var parts = new JsonArray();
        foreach (var part in Parts(content, index))
        {
            switch (PartType(part, index))
            {
                case "input_text" or "output_text":
                    parts.Add(new JsonObject { ["type"] = "text", ["text"] = Required(part, "text", index) });
                    break;
                case "input_image":
                    parts.Add(Image(part, index));
                    break;
                case var other:
                    throw new InvalidResponsesRequestException(
                        $"input[{index}]: content parts of type '{other}' are not accepted: send input_text, or input_image with an image_url (an https link or a data: URL). " +
                        "The gateway cannot bound what the provider charges for files and audio, and stores no uploaded files.", "input");
            }
        }
        return parts;
    }

    private static JsonObject Image(JsonObject part, int index)
    {
        if (part["image_url"] is not JsonValue url || url.GetValueKind() != JsonValueKind.String)
        {
            throw new InvalidResponsesRequestException(
                $"input[{index}]: input_image needs an image_url (an https link or a data: URL); file ids are not supported: the gateway stores no uploaded files.", "input");
        }
        var image = new JsonObject { ["url"] = url.GetValue<string>() };
        if (part["detail"] is JsonValue detail && detail.GetValueKind() == JsonValueKind.String)
            image["detail"] = detail.GetValue<string>();
        return new JsonObject { ["type"] = "image_url", ["image_url"] = image };
    }

    /// <summary>The text of a system or assistant message (chat gives those roles text only).</summary>
    private static string Text(JsonNode content, int index)
    {
        if (content.GetValueKind() == JsonValueKind.String)
            return content.GetValue<string>();
        return string.Concat(Parts(content, index).Select(part => PartType(part, index) switch
        {
            "input_text" or "output_text" => Required(part, "text", index),
            "refusal" => Required(part, "refusal", index),
            var other => throw new InvalidResponsesRequestException(
                $"input[{index}]: content parts of type '{other}' are not accepted in system, developer or assistant messages; send text.", "input"),
        }));
    }

    /// <summary>A function call's output: a string, or text parts.</summary>
    private static string OutputText(JsonNode? output, int index)
    {
        if (output is null)
            throw new InvalidResponsesRequestException($"input[{index}]: a function_call_output item needs an output.", "input");
        if (output.GetValueKind() == JsonValueKind.String)
            return output.GetValue<string>();
        return string.Concat(Parts(output, index).Select(part => PartType(part, index) switch
        {
            "input_text" or "output_text" => Required(part, "text", index),
            var other => throw new InvalidResponsesRequestException(
                $"input[{index}]: function call outputs of type '{other}' are not accepted; send the output as text.", "input"),
        }));
    }

    private static IEnumerable<JsonObject> Parts(JsonNode content, int index) =>
        content is JsonArray parts
            ? parts.Select(p => p as JsonObject ?? throw new InvalidResponsesRequestException($"input[{index}]: each content part must be an object.", "input"))
            : throw new InvalidResponsesRequestException($"input[{index}]: content must be a string or an array of content parts.", "input");

    private static string PartType(JsonObject part, int index) => Required(part, "type", index);

    private static string Required(JsonObject item, string name, int index) =>
        item[name] is JsonValue value && value.GetValueKind() == JsonValueKind.String
            ? value.GetValue<string>()
            : throw new InvalidResponsesRequestException($"input[{index}]: '{name}' must be a string.", "input");
}
