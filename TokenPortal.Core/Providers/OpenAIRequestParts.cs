using System.Text.Json;
using System.Text.Json.Nodes;

namespace TokenPortal.Core.Providers;

/// <summary>Reading an OpenAI chat request's pieces, shared by the converters to other providers' schemas.</summary>
internal static class OpenAIRequestParts
{
    /// <summary>
    /// Runs a conversion of client JSON. The converters read the schema with non-null assertions, so a
    /// structurally wrong request (a tool without a name, a part of the wrong JSON type) surfaces here as
    /// the client's 400, never as our 500.
    /// </summary>
    public static T Convert<T>(Func<T> convert, string provider)
    {
        try
        {
            return convert();
        }
        catch (Exception ex) when (IsSchemaFault(ex))
        {
            throw new UnsupportedRequestException($"The request does not follow the OpenAI schema closely enough to convert it for {provider} models.", "messages");
        }
    }

    /// <summary>What reading JSON of an unexpected shape throws (a missing property, a value of another JSON type).</summary>
    internal static bool IsSchemaFault(Exception ex) =>
        ex is NullReferenceException or InvalidOperationException or KeyNotFoundException or FormatException or JsonException;

    /// <summary>Throws for the first of <paramref name="names"/> the request sets (to anything but null or false).</summary>
    public static void RefuseUnsupported(JsonObject request, IEnumerable<string> names, string provider)
    {
        foreach (var name in names)
        {
            if (request[name] is { } value && value.GetValueKind() is not (JsonValueKind.Null or JsonValueKind.False))
                throw new UnsupportedRequestException($"{provider} models do not support '{name}'.", name);
        }
    }

    /// <summary>Adds a turn's items, merged into the previous turn when it has the same role (both Anthropic and Gemini want roles to alternate).</summary>
    public static void AppendTurn(JsonArray turns, string role, string itemsName, List<JsonNode> items)
    {
        if (items.Count == 0)
            return;
        if (turns.Count > 0 && turns[^1]!["role"]!.GetValue<string>() == role)
        {
            var existing = turns[^1]![itemsName]!.AsArray();
            foreach (var item in items)
                existing.Add(item);
            return;
        }
        turns.Add(new JsonObject { ["role"] = role, [itemsName] = new JsonArray(items.ToArray()) });
    }

    /// <summary>A user message's text and image parts, each made by the caller's factories.</summary>
    public static List<JsonNode> UserParts(JsonNode? content, Func<string, JsonNode> text, Func<string, JsonNode> image, string provider)
    {
        if (content is null || content.GetValueKind() == JsonValueKind.String)
            return [text(content?.GetValue<string>() ?? "")];
        var parts = new List<JsonNode>();
        foreach (var part in content.AsArray())
        {
            var type = part!["type"]?.GetValue<string>();
            parts.Add(type switch
            {
                "text" => text(part["text"]!.GetValue<string>()),
                "image_url" => image(part["image_url"] is JsonObject url ? url["url"]!.GetValue<string>() : part["image_url"]!.GetValue<string>()),
                _ => throw new UnsupportedRequestException($"Content parts of type '{type}' cannot be sent to {provider} models.", "messages"),
            });
        }
        return parts;
    }

    /// <summary>A message's text, whether a string or text parts.</summary>
    public static string TextOf(JsonNode? content) => content switch
    {
        null => "",
        JsonArray parts => string.Concat(parts.Where(p => p?["type"]?.GetValue<string>() == "text").Select(p => p!["text"]!.GetValue<string>())),
        _ when content.GetValueKind() == JsonValueKind.String => content.GetValue<string>(),
        _ => content.ToJsonString(),
    };

    /// <summary>A tool call's <c>arguments</c> string as the JSON object other providers take.</summary>
    public static JsonNode Arguments(JsonNode call, string provider)
    {
        var arguments = call["function"]?["arguments"]?.GetValue<string>();
        try
        {
            return Protocol.RepeatedProperty.ParseStrict(string.IsNullOrWhiteSpace(arguments) ? "{}" : arguments) ?? new JsonObject();
        }
        catch (JsonException)
        {
            throw new UnsupportedRequestException($"A tool call's 'arguments' must be a JSON object to send it to {provider}.", "messages");
        }
    }
}
