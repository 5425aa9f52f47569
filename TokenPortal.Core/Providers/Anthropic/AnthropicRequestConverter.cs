using System.Text.Json;
using System.Text.Json.Nodes;

namespace TokenPortal.Core.Providers.Anthropic;

/// <summary>
/// An OpenAI chat request as an Anthropic Messages request: system messages to <c>system</c>, parts to
/// content blocks, tool calls and results to <c>tool_use</c>/<c>tool_result</c>, consecutive turns of one
/// role merged (Anthropic wants them alternating). What Anthropic cannot honour is refused by name;
/// what changes nothing of the answer's shape is dropped (see the README's provider table).
/// </summary>
internal static class AnthropicRequestConverter
{
    private static readonly HashSet<string> Refused = ["logprobs", "top_logprobs", "logit_bias", "response_format", "audio", "modalities", "prediction", "functions", "function_call"];

    public static byte[] Convert(ReadOnlySpan<byte> openAIJson, string upstreamModel, int maxTokens, bool stream)
    {
        var request = Protocol.RepeatedProperty.ParseStrict(openAIJson)!.AsObject();
        OpenAIRequestParts.RefuseUnsupported(request, Refused, "Anthropic");
        if (request["n"] is { } n && n.GetValueKind() == JsonValueKind.Number && n.GetValue<int>() > 1)
            throw new UnsupportedRequestException("Anthropic models return one choice; 'n' must be 1.", "n");

        var result = new JsonObject
        {
            ["model"] = upstreamModel,
            ["max_tokens"] = maxTokens,
        };
        var (system, messages) = ConvertMessages(request["messages"]!.AsArray());
        if (system.Count > 0)
            result["system"] = string.Join("\n\n", system);
        result["messages"] = messages;

        if (request["temperature"] is { } temperature && temperature.GetValueKind() == JsonValueKind.Number)
        {
            if (temperature.GetValue<double>() > 1)
                throw new UnsupportedRequestException("Anthropic models take a temperature from 0 to 1.", "temperature");
            result["temperature"] = temperature.DeepClone();
        }
        if (request["top_p"] is { } topP && topP.GetValueKind() == JsonValueKind.Number)
            result["top_p"] = topP.DeepClone();
        if (ConvertStop(request["stop"]) is { } stop)
            result["stop_sequences"] = stop;
        if (request["user"] is { } user && user.GetValueKind() == JsonValueKind.String)
            result["metadata"] = new JsonObject { ["user_id"] = user.GetValue<string>() };

        if (request["tools"] is JsonArray tools && tools.Count > 0)
        {
            result["tools"] = new JsonArray(tools.Select(ConvertTool).ToArray());
            if (ConvertToolChoice(request["tool_choice"], request["parallel_tool_calls"]) is { } choice)
                result["tool_choice"] = choice;
        }
        if (stream)
            result["stream"] = true;
        return JsonSerializer.SerializeToUtf8Bytes(result);
    }

    private static (List<string> System, JsonArray Messages) ConvertMessages(JsonArray openAIMessages)
    {
        var system = new List<string>();
        var messages = new JsonArray();
        foreach (var node in openAIMessages)
        {
            var message = node!.AsObject();
            var role = message["role"]?.GetValue<string>();
            switch (role)
            {
                case "system" or "developer":
                    system.Add(TextOf(message["content"]));
                    break;
                case "user":
                    Append(messages, "user", UserBlocks(message["content"]));
                    break;
                case "assistant":
                    Append(messages, "assistant", AssistantBlocks(message));
                    break;
                case "tool":
                    Append(messages, "user", [new JsonObject
                    {
                        ["type"] = "tool_result",
                        ["tool_use_id"] = message["tool_call_id"]?.GetValue<string>() ?? throw new UnsupportedRequestException("A tool message needs its 'tool_call_id'.", "messages"),
                        ["content"] = TextOf(message["content"]),
                    }]);
                    break;
                default:
                    throw new UnsupportedRequestException($"Messages with role '{role}' cannot be sent to Anthropic models.", "messages");
            }
        }
        return (system, messages);
    }

    private static void Append(JsonArray messages, string role, List<JsonNode> blocks) =>
        OpenAIRequestParts.AppendTurn(messages, role, "content", blocks);

    private static List<JsonNode> UserBlocks(JsonNode? content) =>
        OpenAIRequestParts.UserParts(content, Text, Image, "Anthropic");

    private static List<JsonNode> AssistantBlocks(JsonObject message)
    {
        var blocks = new List<JsonNode>();
        var text = message["content"] is { } content ? TextOf(content) : "";
        if (text.Length > 0)
            blocks.Add(Text(text));
        if (message["tool_calls"] is JsonArray calls)
        {
            foreach (var call in calls)
            {
                blocks.Add(new JsonObject
                {
                    ["type"] = "tool_use",
                    ["id"] = call!["id"]!.GetValue<string>(),
                    ["name"] = call["function"]!["name"]!.GetValue<string>(),
                    ["input"] = OpenAIRequestParts.Arguments(call, "Anthropic"),
                });
            }
        }
        return blocks;
    }

    private static JsonNode Image(string url)
    {
        if (!url.StartsWith("data:", StringComparison.Ordinal))
            return new JsonObject { ["type"] = "image", ["source"] = new JsonObject { ["type"] = "url", ["url"] = url } };
        // data:image/png;base64,AAAA
        var comma = url.IndexOf(',');
        var header = comma > 5 ? url[5..comma] : "";
        if (!header.EndsWith(";base64", StringComparison.Ordinal))
            throw new UnsupportedRequestException("Inline images must be base64 data URLs.", "messages");
        return new JsonObject
        {
            ["type"] = "image",
            ["source"] = new JsonObject { ["type"] = "base64", ["media_type"] = header[..^";base64".Length], ["data"] = url[(comma + 1)..] },
        };
    }

    private static JsonNode Text(string text) => new JsonObject { ["type"] = "text", ["text"] = text };

    private static string TextOf(JsonNode? content) => OpenAIRequestParts.TextOf(content);

    private static JsonNode ConvertTool(JsonNode? tool)
    {
        var function = tool?["function"] ?? throw new UnsupportedRequestException("Only tools of type 'function' can be sent to Anthropic models.", "tools");
        var converted = new JsonObject
        {
            ["name"] = function["name"]!.GetValue<string>(),
            ["input_schema"] = function["parameters"]?.DeepClone() ?? new JsonObject { ["type"] = "object", ["properties"] = new JsonObject() },
        };
        if (function["description"] is { } description)
            converted["description"] = description.DeepClone();
        return converted;
    }

    private static JsonObject? ConvertToolChoice(JsonNode? choice, JsonNode? parallel)
    {
        JsonObject? converted = choice switch
        {
            null => null,
            JsonObject named => new JsonObject { ["type"] = "tool", ["name"] = named["function"]?["name"]?.GetValue<string>() },
            _ => choice.GetValue<string>() switch
            {
                "auto" => new JsonObject { ["type"] = "auto" },
                "none" => new JsonObject { ["type"] = "none" },
                "required" => new JsonObject { ["type"] = "any" },
                var other => throw new UnsupportedRequestException($"tool_choice '{other}' is not one of auto, none, required or a named function.", "tool_choice"),
            },
        };
        if (parallel is { } value && value.GetValueKind() == JsonValueKind.False)
        {
            converted ??= new JsonObject { ["type"] = "auto" };
            if (converted["type"]!.GetValue<string>() != "none")
                converted["disable_parallel_tool_use"] = true;
        }
        return converted;
    }

    private static JsonArray? ConvertStop(JsonNode? stop) => stop switch
    {
        null => null,
        JsonArray list => new JsonArray(list.Select(s => (JsonNode?)JsonValue.Create(s!.GetValue<string>())).ToArray()),
        _ when stop.GetValueKind() == JsonValueKind.String => [JsonValue.Create(stop.GetValue<string>())],
        _ => null,
    };
}
