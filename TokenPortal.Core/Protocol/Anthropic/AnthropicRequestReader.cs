using System.Text.Json;
using System.Text.Json.Nodes;
using TokenPortal.Core.Gateway;

namespace TokenPortal.Core.Protocol.Anthropic;

/// <summary>
/// An Anthropic Messages request as the OpenAI chat request the gateway runs: <c>system</c> to a system
/// message, content blocks to parts, <c>tool_use</c>/<c>tool_result</c> to tool calls and tool messages,
/// Anthropic's tool choice to OpenAI's. The usage chunk is always requested, since Anthropic reports usage.
/// Nothing Anthropic itself would need is lost on the way: <c>cache_control</c> markers stay on the parts, messages
/// and tools they mark (the Anthropic converter puts them back; other providers' converters drop them), thinking blocks
/// and their signatures become the assistant message's <c>reasoning_details</c> (OpenRouter's shape), and
/// <c>thinking.budget_tokens</c> becomes <c>reasoning.max_tokens</c>, and <c>output_config.format</c> a json_schema <c>response_format</c>.
/// </summary>
public static class AnthropicRequestReader
{
    public static ParsedRequest Read(ReadOnlyMemory<byte> body, TokenCounter tokens)
    {
        JsonObject request;
        try
        {
            request = RepeatedProperty.ParseStrict(body.Span) as JsonObject ?? throw new InvalidRequest("The request body must be a JSON object.", null);
            var openAI = Convert(request);
            var converted = JsonSerializer.SerializeToUtf8Bytes(openAI);
            var info = ChatRequestReader.Read(converted, tokens, out var error);
            return error is null ? new ParsedRequest(info, converted, null) : ParsedRequest.Invalid(error);
        }
        catch (JsonException ex)
        {
            return ParsedRequest.Invalid(GatewayError.InvalidRequest($"The request body is not valid JSON: {ex.Message}"));
        }
        catch (InvalidRequest ex)
        {
            return ParsedRequest.Invalid(GatewayError.InvalidRequest(ex.Message, ex.Param));
        }
        catch (Exception ex) when (Providers.OpenAIRequestParts.IsSchemaFault(ex))
        {
            // A missing property or a value of the wrong JSON type (GetValue<string> on a number, AsArray on an object...).
            return ParsedRequest.Invalid(GatewayError.InvalidRequest("The request does not follow the Anthropic Messages schema.", "messages"));
        }
    }

    private static JsonObject Convert(JsonObject request)
    {
        if (request["model"] is not JsonValue model || model.GetValueKind() != JsonValueKind.String)
            throw new InvalidRequest("model: a string is required.", "model");
        if (request["max_tokens"] is not JsonValue maxTokens || maxTokens.GetValueKind() != JsonValueKind.Number || !maxTokens.TryGetValue<int>(out var bound) || bound < 1)
            throw new InvalidRequest("max_tokens: a positive integer is required.", "max_tokens");
        if (request["messages"] is not JsonArray messages || messages.Count == 0)
            throw new InvalidRequest("messages: at least one message is required.", "messages");

        var openAIMessages = new JsonArray();
        if (request["system"] is { } system)
            openAIMessages.Add(new JsonObject { ["role"] = "system", ["content"] = HasCacheMarker(system) ? TextParts(system) : TextOf(system) });
        foreach (var message in messages)
            AddMessage(message as JsonObject ?? throw new InvalidRequest("messages: each message must be an object.", "messages"), openAIMessages);

        var openAI = new JsonObject
        {
            ["model"] = model.GetValue<string>(),
            ["max_tokens"] = bound,
            ["messages"] = openAIMessages,
        };
        // Fallback models, as on chat requests; the chat reader checks them.
        if (request["models"] is { } models)
            openAI["models"] = models.DeepClone();
        CopyNumber(request, "temperature", openAI, "temperature");
        CopyNumber(request, "top_p", openAI, "top_p");
        if (request["stop_sequences"] is JsonArray stops && stops.Count > 0)
            openAI["stop"] = stops.DeepClone();
        if (request["metadata"]?["user_id"] is JsonValue user)
            openAI["user"] = user.DeepClone();
        if (request["tools"] is JsonArray tools && tools.Count > 0)
        {
            openAI["tools"] = new JsonArray(tools.Select(ConvertTool).ToArray());
            ConvertToolChoice(request["tool_choice"], openAI);
        }
        if (request["cache_control"] is JsonObject marker)
            openAI["cache_control"] = marker.DeepClone();
        if (request["thinking"] is JsonObject thinking && thinking["type"]?.GetValue<string>() == "enabled")
        {
            if (thinking["budget_tokens"] is not JsonValue budget || !budget.TryGetValue<int>(out var tokens) || tokens < 1)
                throw new InvalidRequest("thinking.budget_tokens: a positive integer is required.", "thinking");
            openAI["reasoning"] = new JsonObject { ["max_tokens"] = tokens };
        }
        if (OutputFormat(request["output_config"]) is { } format)
            openAI["response_format"] = format;
        if (request["stream"] is JsonValue stream && stream.GetValueKind() == JsonValueKind.True)
        {
            openAI["stream"] = true;
            openAI["stream_options"] = new JsonObject { ["include_usage"] = true };
        }
        return openAI;
    }

    /// <summary>
    /// Anthropic's structured output (<c>output_config.format</c>) as chat's json_schema <c>response_format</c>: an Anthropic
    /// model gets it back as sent, Gemini as its response schema, OpenAI-compatible servers as a strict json_schema.
    /// </summary>
    private static JsonObject? OutputFormat(JsonNode? outputConfig)
    {
        if (outputConfig is null)
            return null;
        if (outputConfig is not JsonObject config)
            throw new InvalidRequest("output_config: an object is required.", "output_config");
        if (config["format"] is not { } format)
            return null;
        if (format is not JsonObject formatObject || formatObject["type"]?.GetValueKind() != JsonValueKind.String
            || formatObject["type"]!.GetValue<string>() != "json_schema" || formatObject["schema"] is not JsonObject schema)
            throw new InvalidRequest("output_config.format: a {\"type\":\"json_schema\",\"schema\":{...}} object is required.", "output_config");
        return new JsonObject
        {
            ["type"] = "json_schema",
            ["json_schema"] = new JsonObject { ["name"] = "output", ["schema"] = schema.DeepClone(), ["strict"] = true },
        };
    }

    private static void AddMessage(JsonObject message, JsonArray output)
    {
        var role = message["role"]?.GetValue<string>();
        if (role is not ("user" or "assistant"))
            throw new InvalidRequest("messages: role must be 'user' or 'assistant'.", "messages");
        var content = message["content"];
        if (content is JsonValue text)
        {
            output.Add(new JsonObject { ["role"] = role, ["content"] = text.GetValue<string>() });
            return;
        }
        var blocks = content as JsonArray ?? throw new InvalidRequest("messages: content must be a string or an array of blocks.", "messages");

        var parts = new JsonArray();
        var toolCalls = new JsonArray();
        var reasoning = new JsonArray();
        foreach (var block in blocks)
        {
            JsonObject? converted = null;
            switch (block?["type"]?.GetValue<string>())
            {
                case "text":
                    parts.Add(converted = new JsonObject { ["type"] = "text", ["text"] = block["text"]!.GetValue<string>() });
                    break;
                case "image":
                    parts.Add(converted = new JsonObject { ["type"] = "image_url", ["image_url"] = new JsonObject { ["url"] = ImageUrl(block["source"]) } });
                    break;
                case "tool_use":
                    var (callId, thoughtSignature) = ToolCallIds.FromClient(block["id"]!.GetValue<string>());
                    toolCalls.Add(converted = new JsonObject
                    {
                        ["id"] = callId,
                        ["type"] = "function",
                        ["function"] = new JsonObject { ["name"] = block["name"]!.GetValue<string>(), ["arguments"] = (block["input"] ?? new JsonObject()).ToJsonString() },
                    });
                    if (thoughtSignature is not null)
                        converted["extra_content"] = ToolCallIds.ExtraContent(thoughtSignature);
                    break;
                case "tool_result":
                    // OpenAI wants each result as its own tool message, before the turn's other content.
                    output.Add(converted = new JsonObject
                    {
                        ["role"] = "tool",
                        ["tool_call_id"] = ToolCallIds.FromClient(block["tool_use_id"]!.GetValue<string>()).Id,
                        ["content"] = TextOf(block["content"]),
                    });
                    if (converted["cache_control"] is null && block["content"] is JsonArray inner && inner.LastOrDefault(b => b?["cache_control"] is JsonObject) is { } marked)
                        converted["cache_control"] = marked["cache_control"]!.DeepClone();
                    break;
                case "thinking" when role == "assistant":
                    // Anthropic checks the signature when the thinking comes back with the tool results: kept as it came.
                    reasoning.Add(new JsonObject
                    {
                        ["type"] = "reasoning.text",
                        ["text"] = block["thinking"]?.GetValue<string>() ?? "",
                        ["signature"] = block["signature"]?.GetValue<string>(),
                        ["format"] = "anthropic-claude-v1",
                    });
                    break;
                case "redacted_thinking" when role == "assistant":
                    reasoning.Add(new JsonObject { ["type"] = "reasoning.encrypted", ["data"] = block["data"]?.GetValue<string>(), ["format"] = "anthropic-claude-v1" });
                    break;
                case "thinking" or "redacted_thinking":
                    break;
                case var other:
                    throw new InvalidRequest($"messages: content blocks of type '{other}' are not supported.", "messages");
            }
            if (converted is not null && block["cache_control"] is JsonObject marker)
                converted["cache_control"] = marker.DeepClone();
        }

        if (role == "assistant")
        {
            var marked = parts.Any(p => p!["cache_control"] is not null);
            var assistant = new JsonObject
            {
                ["role"] = "assistant",
                ["content"] = marked ? parts : string.Concat(parts.Select(p => p!["text"]?.GetValue<string>())),
            };
            if (toolCalls.Count > 0)
                assistant["tool_calls"] = toolCalls;
            if (reasoning.Count > 0)
                assistant["reasoning_details"] = reasoning;
            output.Add(assistant);
        }
        else if (parts.Count > 0)
        {
            output.Add(new JsonObject { ["role"] = "user", ["content"] = parts });
        }
    }

    private static bool HasCacheMarker(JsonNode system) => system is JsonArray blocks && blocks.Any(b => b?["cache_control"] is JsonObject);

    /// <summary>System blocks as text parts, each keeping its <c>cache_control</c>.</summary>
    private static JsonArray TextParts(JsonNode system) => new(system.AsArray()
        .Where(b => b?["type"]?.GetValue<string>() == "text")
        .Select(b =>
        {
            var part = new JsonObject { ["type"] = "text", ["text"] = b!["text"]!.GetValue<string>() };
            if (b["cache_control"] is JsonObject marker)
                part["cache_control"] = marker.DeepClone();
            return (JsonNode?)part;
        }).ToArray());

    private static string ImageUrl(JsonNode? source) => source?["type"]?.GetValue<string>() switch
    {
        "base64" => $"data:{source["media_type"]!.GetValue<string>()};base64,{source["data"]!.GetValue<string>()}",
        "url" => source["url"]!.GetValue<string>(),
        _ => throw new InvalidRequest("messages: images need a base64 or url source.", "messages"),
    };

    private static string TextOf(JsonNode? content) => content switch
    {
        null => "",
        JsonArray blocks => string.Concat(blocks.Where(b => b?["type"]?.GetValue<string>() == "text").Select(b => b!["text"]!.GetValue<string>())),
        _ => content.GetValue<string>(),
    };

    private static JsonNode ConvertTool(JsonNode? tool)
    {
        var function = new JsonObject
        {
            ["name"] = tool?["name"]?.GetValue<string>() ?? throw new InvalidRequest("tools: every tool needs a name.", "tools"),
            ["parameters"] = tool["input_schema"]?.DeepClone() ?? new JsonObject { ["type"] = "object" },
        };
        if (tool["description"] is { } description)
            function["description"] = description.DeepClone();
        var converted = new JsonObject { ["type"] = "function", ["function"] = function };
        if (tool["cache_control"] is JsonObject marker)
            converted["cache_control"] = marker.DeepClone();
        return converted;
    }

    private static void ConvertToolChoice(JsonNode? choice, JsonObject openAI)
    {
        if (choice is null)
            return;
        openAI["tool_choice"] = choice["type"]?.GetValue<string>() switch
        {
            "auto" => "auto",
            "any" => "required",
            "none" => "none",
            "tool" => new JsonObject { ["type"] = "function", ["function"] = new JsonObject { ["name"] = choice["name"]!.GetValue<string>() } },
            var other => throw new InvalidRequest($"tool_choice: type '{other}' is not one of auto, any, tool, none.", "tool_choice"),
        };
        if (choice["disable_parallel_tool_use"] is JsonValue disable && disable.GetValueKind() == JsonValueKind.True)
            openAI["parallel_tool_calls"] = false;
    }

    private static void CopyNumber(JsonObject from, string name, JsonObject to, string asName)
    {
        if (from[name] is JsonValue value && value.GetValueKind() == JsonValueKind.Number)
            to[asName] = value.DeepClone();
    }

    private sealed class InvalidRequest(string message, string? param) : Exception(message)
    {
        public string? Param { get; } = param;
    }
}
