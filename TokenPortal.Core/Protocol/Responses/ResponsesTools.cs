using System.Text.Json;
using System.Text.Json.Nodes;

namespace TokenPortal.Core.Protocol.Responses;

/// <summary>
/// Responses tools as chat tools: function tools are flat (<c>{"type":"function","name","parameters"}</c>) where chat
/// nests them under <c>function</c>. Hosted tools (web search, file search, code interpreter...) run on OpenAI's side
/// only, so they are refused rather than silently dropped.
/// </summary>
internal static class ResponsesTools
{
    public static void Convert(JsonObject request, JsonObject chat)
    {
        if (request["tools"] is not { } toolsNode || toolsNode.GetValueKind() == JsonValueKind.Null)
        {
            if (request["tool_choice"] is { } choice && choice.GetValueKind() != JsonValueKind.Null && !(choice.GetValueKind() == JsonValueKind.String && choice.GetValue<string>() is "auto" or "none"))
                throw new InvalidResponsesRequestException("tool_choice: names a tool, but the request has no tools.", "tool_choice");
            return;
        }
        if (toolsNode is not JsonArray tools)
            throw new InvalidResponsesRequestException("tools: an array is expected.", "tools");
        if (tools.Count == 0)
            return;

        var chatTools = new JsonArray();
        for (var i = 0; i < tools.Count; i++)
            chatTools.Add(Function(tools[i] as JsonObject ?? throw new InvalidResponsesRequestException($"tools[{i}]: each tool must be an object.", "tools"), i));
        chat["tools"] = chatTools;
        if (request["tool_choice"] is { } toolChoice && toolChoice.GetValueKind() != JsonValueKind.Null)
            chat["tool_choice"] = Choice(toolChoice);
        // Chat accepts parallel_tool_calls only beside tools.
        if (request["parallel_tool_calls"] is JsonValue parallel && parallel.GetValueKind() is JsonValueKind.True or JsonValueKind.False)
            chat["parallel_tool_calls"] = parallel.GetValueKind() == JsonValueKind.True;
    }

    private static JsonObject Function(JsonObject tool, int index)
    {
        var type = tool["type"] is JsonValue t && t.GetValueKind() == JsonValueKind.String ? t.GetValue<string>() : "";
        if (type != "function")
        {
            throw new InvalidResponsesRequestException(
                $"tools[{index}]: tools of type '{type}' are not available through this gateway, which serves every model as a chat model: only function tools are. " +
                "Run the tool yourself as a function tool.", "tools");
        }
        var function = new JsonObject
        {
            ["name"] = tool["name"] is JsonValue name && name.GetValueKind() == JsonValueKind.String
                ? name.GetValue<string>()
                : throw new InvalidResponsesRequestException($"tools[{index}]: a function tool needs a name.", "tools"),
            ["parameters"] = tool["parameters"] is JsonObject parameters ? parameters.DeepClone() : new JsonObject { ["type"] = "object", ["properties"] = new JsonObject() },
        };
        if (tool["description"] is JsonValue description && description.GetValueKind() == JsonValueKind.String)
            function["description"] = description.GetValue<string>();
        if (tool["strict"] is JsonValue strict && strict.GetValueKind() is JsonValueKind.True or JsonValueKind.False)
            function["strict"] = strict.GetValueKind() == JsonValueKind.True;
        return new JsonObject { ["type"] = "function", ["function"] = function };
    }

    private static JsonNode Choice(JsonNode choice)
    {
        if (choice.GetValueKind() == JsonValueKind.String)
        {
            return choice.GetValue<string>() switch
            {
                "auto" or "none" or "required" => choice.GetValue<string>(),
                var other => throw new InvalidResponsesRequestException($"tool_choice: '{other}' is not one of auto, none, required.", "tool_choice"),
            };
        }
        if (choice is JsonObject named && named["type"]?.GetValue<string>() == "function" && named["name"] is JsonValue name && name.GetValueKind() == JsonValueKind.String)
            return new JsonObject { ["type"] = "function", ["function"] = new JsonObject { ["name"] = name.GetValue<string>() } };
        throw new InvalidResponsesRequestException("tool_choice: expected auto, none, required or {\"type\":\"function\",\"name\":...}; hosted tools and allowed_tools are not supported.", "tool_choice");
    }
}
