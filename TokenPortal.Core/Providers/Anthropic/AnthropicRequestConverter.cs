using System.Text.Json;
using System.Text.Json.Nodes;

namespace TokenPortal.Core.Providers.Anthropic;

/// <summary>
/// An OpenAI chat request as an Anthropic Messages request: system messages to <c>system</c>, parts to
/// content blocks, tool calls and results to <c>tool_use</c>/<c>tool_result</c>, consecutive turns of one
/// role merged (Anthropic wants them alternating). What Anthropic cannot honour is refused by name;
/// what changes nothing of the answer's shape is dropped (see the README's provider table).
/// <c>cache_control</c> markers (on parts, messages and tools, as OpenRouter takes them) pass to the blocks they mark;
/// an assistant message's <c>reasoning_details</c> become thinking blocks with their signatures, and
/// <c>reasoning_effort</c> / <c>reasoning</c> become <c>thinking</c> (see <see cref="AnthropicThinking"/>); a json_schema
/// <c>response_format</c> becomes <c>output_config.format</c>.
/// </summary>
internal static class AnthropicRequestConverter
{
    private static readonly HashSet<string> Refused = ["logprobs", "top_logprobs", "logit_bias", "audio", "modalities", "prediction", "functions", "function_call"];

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
            result["system"] = system.Any(b => b["cache_control"] is not null)
                ? new JsonArray(system.Select(b => (JsonNode?)b).ToArray())
                : string.Join("\n\n", system.Select(b => b["text"]!.GetValue<string>()));
        result["messages"] = messages;
        if (request["cache_control"] is JsonObject marker)
            result["cache_control"] = marker.DeepClone();

        var thinking = AnthropicThinking.From(request, maxTokens);
        if (thinking is not null && !AnthropicThinking.CanContinue(messages))
            thinking = null;
        if (thinking is not null)
            result["thinking"] = thinking;
        // Extended thinking takes no temperature but 1 (nor top_k); a sampling setting the client chose is dropped.
        if (thinking is null && request["temperature"] is { } temperature && temperature.GetValueKind() == JsonValueKind.Number)
        {
            if (temperature.GetValue<double>() > 1)
                throw new UnsupportedRequestException("Anthropic models take a temperature from 0 to 1.", "temperature");
            result["temperature"] = temperature.DeepClone();
        }
        if (thinking is null && request["top_p"] is { } topP && topP.GetValueKind() == JsonValueKind.Number)
            result["top_p"] = topP.DeepClone();
        if (ConvertStop(request["stop"]) is { } stop)
            result["stop_sequences"] = stop;
        if (request["user"] is { } user && user.GetValueKind() == JsonValueKind.String)
            result["metadata"] = new JsonObject { ["user_id"] = user.GetValue<string>() };

        if (OutputFormat(request["response_format"]) is { } format)
            result["output_config"] = new JsonObject { ["format"] = format };

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

    private static (List<JsonObject> System, JsonArray Messages) ConvertMessages(JsonArray openAIMessages)
    {
        var system = new List<JsonObject>();
        var messages = new JsonArray();
        foreach (var node in openAIMessages)
        {
            var message = node!.AsObject();
            var role = message["role"]?.GetValue<string>();
            switch (role)
            {
                case "system" or "developer":
                    system.AddRange(Marked(SystemBlocks(message["content"]), message));
                    break;
                case "user":
                    Append(messages, "user", Marked(UserBlocks(message["content"]), message));
                    break;
                case "assistant":
                    Append(messages, "assistant", Marked(AssistantBlocks(message), message));
                    break;
                case "tool":
                    var result = new JsonObject
                    {
                        ["type"] = "tool_result",
                        ["tool_use_id"] = message["tool_call_id"]?.GetValue<string>() ?? throw new UnsupportedRequestException("A tool message needs its 'tool_call_id'.", "messages"),
                        ["content"] = TextOf(message["content"]),
                    };
                    if (message["content"] is JsonArray parts && parts.LastOrDefault(p => p?["cache_control"] is JsonObject) is { } marked)
                        result["cache_control"] = marked["cache_control"]!.DeepClone();
                    Append(messages, "user", Marked(new List<JsonNode> { result }, message));
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
        WithPartMarkers(OpenAIRequestParts.UserParts(content, Text, Image, "Anthropic"), content);

    /// <summary>A system message as text blocks: one per marked part, so each <c>cache_control</c> stays where it was set.</summary>
    private static List<JsonObject> SystemBlocks(JsonNode? content)
    {
        if (content is JsonArray parts && parts.Any(p => p?["cache_control"] is JsonObject))
            return parts.Where(p => p?["type"]?.GetValue<string>() == "text").Select(p => WithMarker(Text(p!["text"]!.GetValue<string>()), p)).Cast<JsonObject>().ToList();
        return [Text(TextOf(content)).AsObject()];
    }

    private static List<JsonNode> AssistantBlocks(JsonObject message)
    {
        var blocks = new List<JsonNode>();
        // The thinking that led to this turn's tool calls first, as Anthropic gave it: it checks the signatures.
        var details = message["reasoning_details"] as JsonArray ?? [];
        var reasoningText = message["reasoning_content"] is JsonValue said && said.GetValueKind() == JsonValueKind.String ? said.GetValue<string>() : null;
        // A streamed answer's signature entry has no text: it is the reasoning_content, when one entry can be its.
        var textless = details.Count(d => d?["type"]?.GetValue<string>() == "reasoning.text" && string.IsNullOrEmpty(d["text"]?.GetValue<string>()));
        foreach (var detail in details)
        {
            if (AnthropicThinking.BlockOf(detail, textless == 1 ? reasoningText : null) is { } thinking)
                blocks.Add(thinking);
        }
        if (message["content"] is JsonArray parts && parts.Any(p => p?["cache_control"] is JsonObject))
        {
            foreach (var part in parts.Where(p => p?["type"]?.GetValue<string>() == "text"))
                blocks.Add(WithMarker(Text(part!["text"]!.GetValue<string>()), part));
        }
        else
        {
            var text = message["content"] is { } content ? TextOf(content) : "";
            if (text.Length > 0)
                blocks.Add(Text(text));
        }
        if (message["tool_calls"] is JsonArray calls)
        {
            foreach (var call in calls)
            {
                blocks.Add(WithMarker(new JsonObject
                {
                    ["type"] = "tool_use",
                    ["id"] = call!["id"]!.GetValue<string>(),
                    ["name"] = call["function"]!["name"]!.GetValue<string>(),
                    ["input"] = OpenAIRequestParts.Arguments(call, "Anthropic"),
                }, call));
            }
        }
        return blocks;
    }

    /// <summary>Each block made from a part of <paramref name="content"/> (one per part, in order) keeps that part's marker.</summary>
    private static List<JsonNode> WithPartMarkers(List<JsonNode> blocks, JsonNode? content)
    {
        if (content is JsonArray parts && parts.Count == blocks.Count)
        {
            for (var i = 0; i < blocks.Count; i++)
                WithMarker(blocks[i], parts[i]);
        }
        return blocks;
    }

    /// <summary>A marker set on the whole message (LiteLLM's way) marks its last block, which caches everything up to it.</summary>
    private static List<T> Marked<T>(List<T> blocks, JsonObject message) where T : JsonNode
    {
        if (blocks.Count > 0 && message["cache_control"] is JsonObject)
            WithMarker(blocks[^1], message);
        return blocks;
    }

    private static JsonNode WithMarker(JsonNode block, JsonNode? source)
    {
        if (source?["cache_control"] is JsonObject marker)
            block["cache_control"] = marker.DeepClone();
        return block;
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
        // OpenRouter and LiteLLM put the marker on the tool; some clients on its function.
        if ((tool["cache_control"] ?? function["cache_control"]) is JsonObject marker)
            converted["cache_control"] = marker.DeepClone();
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

    /// <summary>
    /// Chat's <c>response_format</c> as Anthropic's structured output (<c>output_config.format</c>, GA: no beta header; the
    /// answer is ordinary text holding the JSON). Plain text asks nothing; JSON mode has no Anthropic counterpart without a schema.
    /// </summary>
    private static JsonObject? OutputFormat(JsonNode? responseFormat)
    {
        if (responseFormat is null || responseFormat.GetValueKind() == JsonValueKind.Null)
            return null;
        var type = responseFormat is JsonObject { } shaped && shaped["type"] is JsonValue named && named.GetValueKind() == JsonValueKind.String
            ? named.GetValue<string>()
            : throw new UnsupportedRequestException("'response_format' must be an object with a 'type'.", "response_format");
        switch (type)
        {
            case "text":
                return null;
            case "json_schema":
                // Anthropic takes the schema alone: no name, and its constrained decoding is always strict.
                var schema = (responseFormat["json_schema"] as JsonObject)?["schema"] as JsonObject
                    ?? throw new UnsupportedRequestException("A json_schema 'response_format' needs its schema object.", "response_format");
                return new JsonObject { ["type"] = "json_schema", ["schema"] = schema.DeepClone() };
            case var other:
                throw new UnsupportedRequestException(
                    $"Anthropic models take a 'response_format' of type json_schema (sent as their output_config.format), not '{other}'.", "response_format");
        }
    }

    private static JsonArray? ConvertStop(JsonNode? stop) => stop switch
    {
        null => null,
        JsonArray list => new JsonArray(list.Select(s => (JsonNode?)JsonValue.Create(s!.GetValue<string>())).ToArray()),
        _ when stop.GetValueKind() == JsonValueKind.String => [JsonValue.Create(stop.GetValue<string>())],
        _ => null,
    };
}
