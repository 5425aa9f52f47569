using System.Text.Json;
using System.Text.Json.Nodes;

namespace TokenPortal.Core.Providers.Gemini;

/// <summary>
/// An OpenAI chat request as a Gemini <c>generateContent</c> request: system messages to
/// <c>systemInstruction</c>, roles to user/model, images to <c>inlineData</c>, tools to function declarations,
/// tool calls and results to <c>functionCall</c>/<c>functionResponse</c> (a call's <c>thoughtSignature</c> from its
/// <c>extra_content.google.thought_signature</c>), sampling to <c>generationConfig</c>, reasoning settings to its <c>thinkingConfig</c>.
/// </summary>
internal static class GeminiRequestConverter
{
    private static readonly HashSet<string> Refused = ["logprobs", "top_logprobs", "logit_bias", "audio", "modalities", "prediction", "functions", "function_call"];

    /// <summary>The least budget Gemini's thinking models take (2.5 Pro; Flash takes less).</summary>
    private const int MinimalThinkingBudget = 128;

    public static byte[] Convert(ReadOnlySpan<byte> openAIJson, int maxOutputTokens)
    {
        var request = Protocol.RepeatedProperty.ParseStrict(openAIJson)!.AsObject();
        OpenAIRequestParts.RefuseUnsupported(request, Refused, "Gemini");

        var result = new JsonObject();
        var system = new List<string>();
        result["contents"] = ConvertMessages(request["messages"]!.AsArray(), system);
        if (system.Count > 0)
            result["systemInstruction"] = new JsonObject { ["parts"] = new JsonArray(new JsonObject { ["text"] = string.Join("\n\n", system) }) };
        if (request["tools"] is JsonArray tools && tools.Count > 0)
        {
            result["tools"] = new JsonArray(new JsonObject { ["functionDeclarations"] = new JsonArray(tools.Select(ConvertTool).ToArray()) });
            if (ConvertToolChoice(request["tool_choice"]) is { } config)
                result["toolConfig"] = new JsonObject { ["functionCallingConfig"] = config };
        }
        result["generationConfig"] = GenerationConfig(request, maxOutputTokens);
        return JsonSerializer.SerializeToUtf8Bytes(result);
    }

    private static JsonObject GenerationConfig(JsonObject request, int maxOutputTokens)
    {
        var config = new JsonObject { ["maxOutputTokens"] = maxOutputTokens };
        Copy(request, "temperature", config, "temperature");
        Copy(request, "top_p", config, "topP");
        Copy(request, "presence_penalty", config, "presencePenalty");
        Copy(request, "frequency_penalty", config, "frequencyPenalty");
        Copy(request, "seed", config, "seed");
        Copy(request, "n", config, "candidateCount");
        if (ReasoningRequest.Read(request) is { } reasoning)
        {
            // The thoughts count toward the output the reservation bounds, so the budget stays within it.
            config["thinkingConfig"] = new JsonObject
            {
                ["thinkingBudget"] = Math.Min(reasoning.Budget(minimal: MinimalThinkingBudget), maxOutputTokens),
                ["includeThoughts"] = true,
            };
        }
        switch (request["stop"])
        {
            case JsonArray stops:
                config["stopSequences"] = stops.DeepClone();
                break;
            case JsonValue stop when stop.GetValueKind() == JsonValueKind.String:
                config["stopSequences"] = new JsonArray(stop.GetValue<string>());
                break;
        }
        if (request["response_format"] is JsonObject format)
        {
            switch (format["type"]?.GetValue<string>())
            {
                case "json_object":
                    config["responseMimeType"] = "application/json";
                    break;
                case "json_schema":
                    config["responseMimeType"] = "application/json";
                    if (format["json_schema"]?["schema"] is JsonObject schema)
                        config["responseSchema"] = GeminiSchema(schema);
                    break;
            }
        }
        return config;
    }

    private static JsonArray ConvertMessages(JsonArray messages, List<string> system)
    {
        var contents = new JsonArray();
        // Gemini answers a tool call by function name, OpenAI by call id: remember which id named which function.
        var functionNames = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var node in messages)
        {
            var message = node!.AsObject();
            var role = message["role"]?.GetValue<string>();
            switch (role)
            {
                case "system" or "developer":
                    system.Add(TextOf(message["content"]));
                    break;
                case "user":
                    Append(contents, "user", UserParts(message["content"]));
                    break;
                case "assistant":
                    Append(contents, "model", ModelParts(message, functionNames));
                    break;
                case "tool":
                    var id = message["tool_call_id"]?.GetValue<string>() ?? "";
                    if (!functionNames.TryGetValue(id, out var name))
                        throw new UnsupportedRequestException($"The tool message for '{id}' answers no tool call in the conversation.", "messages");
                    Append(contents, "user", [new JsonObject
                    {
                        ["functionResponse"] = new JsonObject { ["name"] = name, ["response"] = ToolResponse(TextOf(message["content"])) },
                    }]);
                    break;
                default:
                    throw new UnsupportedRequestException($"Messages with role '{role}' cannot be sent to Gemini models.", "messages");
            }
        }
        return contents;
    }

    private static void Append(JsonArray contents, string role, List<JsonNode> parts) =>
        OpenAIRequestParts.AppendTurn(contents, role, "parts", parts);

    private static List<JsonNode> UserParts(JsonNode? content) =>
        OpenAIRequestParts.UserParts(content, text => new JsonObject { ["text"] = text }, InlineImage, "Gemini");

    private static List<JsonNode> ModelParts(JsonObject message, Dictionary<string, string> functionNames)
    {
        var parts = new List<JsonNode>();
        var text = TextOf(message["content"]);
        if (text.Length > 0)
            parts.Add(new JsonObject { ["text"] = text });
        foreach (var call in message["tool_calls"]?.AsArray() ?? [])
        {
            var name = call!["function"]!["name"]!.GetValue<string>();
            functionNames[call["id"]?.GetValue<string>() ?? ""] = name;
            var part = new JsonObject { ["functionCall"] = new JsonObject { ["name"] = name, ["args"] = OpenAIRequestParts.Arguments(call, "Gemini") } };
            // Gemini checks that a thinking model's calls come back with the signature it gave them.
            if (call["extra_content"]?["google"]?["thought_signature"] is JsonValue signature && signature.GetValueKind() == JsonValueKind.String)
                part["thoughtSignature"] = signature.GetValue<string>();
            parts.Add(part);
        }
        return parts;
    }

    private static JsonNode InlineImage(string url)
    {
        var comma = url.IndexOf(',');
        if (!url.StartsWith("data:", StringComparison.Ordinal) || comma < 0 || !url[..comma].EndsWith(";base64", StringComparison.Ordinal))
            throw new UnsupportedRequestException("Gemini models take images as base64 data URLs (data:image/png;base64,...), not links.", "messages");
        return new JsonObject { ["inlineData"] = new JsonObject { ["mimeType"] = url[5..(comma - ";base64".Length)], ["data"] = url[(comma + 1)..] } };
    }

    /// <summary>A tool's result as the object Gemini wants: the JSON object it already is, else <c>{"content": text}</c>.</summary>
    private static JsonNode ToolResponse(string content)
    {
        try
        {
            if (Protocol.RepeatedProperty.ParseStrict(content) is JsonObject json)
                return json;
        }
        catch (JsonException)
        {
        }
        return new JsonObject { ["content"] = content };
    }

    private static string TextOf(JsonNode? content) => OpenAIRequestParts.TextOf(content);

    private static JsonNode ConvertTool(JsonNode? tool)
    {
        var function = tool?["function"] ?? throw new UnsupportedRequestException("Only tools of type 'function' can be sent to Gemini models.", "tools");
        var declaration = new JsonObject { ["name"] = function["name"]!.GetValue<string>() };
        if (function["description"] is { } description)
            declaration["description"] = description.DeepClone();
        if (function["parameters"] is JsonObject parameters && parameters["properties"] is JsonObject { Count: > 0 })
            declaration["parameters"] = GeminiSchema(parameters);
        return declaration;
    }

    private static JsonObject? ConvertToolChoice(JsonNode? choice) => choice switch
    {
        null => null,
        JsonObject named => new JsonObject
        {
            ["mode"] = "ANY",
            ["allowedFunctionNames"] = new JsonArray(named["function"]!["name"]!.GetValue<string>()),
        },
        _ => new JsonObject
        {
            ["mode"] = choice.GetValue<string>() switch
            {
                "auto" => "AUTO",
                "none" => "NONE",
                "required" => "ANY",
                var other => throw new UnsupportedRequestException($"tool_choice '{other}' is not one of auto, none, required or a named function.", "tool_choice"),
            },
        },
    };

    /// <summary>JSON Schema as Gemini's OpenAPI subset: the keywords it rejects are removed.</summary>
    private static JsonObject GeminiSchema(JsonObject schema)
    {
        var copy = schema.DeepClone().AsObject();
        Strip(copy);
        return copy;

        static void Strip(JsonNode? node)
        {
            switch (node)
            {
                case JsonObject obj:
                    foreach (var unsupported in new[] { "additionalProperties", "$schema", "strict", "$id", "$defs" })
                        obj.Remove(unsupported);
                    foreach (var (_, value) in obj.ToList())
                        Strip(value);
                    break;
                case JsonArray array:
                    foreach (var item in array)
                        Strip(item);
                    break;
            }
        }
    }

    private static void Copy(JsonObject from, string name, JsonObject to, string asName)
    {
        if (from[name] is JsonValue value && value.GetValueKind() == JsonValueKind.Number)
            to[asName] = value.DeepClone();
    }
}
