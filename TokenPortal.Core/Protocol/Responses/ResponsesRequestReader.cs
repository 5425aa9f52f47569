using System.Text.Json;
using System.Text.Json.Nodes;
using TokenPortal.Core.Gateway;

namespace TokenPortal.Core.Protocol.Responses;

/// <summary>
/// An OpenAI Responses request as the OpenAI chat request the gateway runs: <c>instructions</c> to a system message,
/// <c>input</c> items to messages (<c>function_call</c> items to an assistant's tool calls, <c>function_call_output</c>
/// items to tool messages), the flat function tools to chat's nested ones, <c>text.format</c> to <c>response_format</c>.
/// The chat reader then validates and bounds the result like any chat request, so the reservation's prompt bound and
/// refusals are the same. What needs stored state (<c>previous_response_id</c>, item references, conversations) or a
/// hosted tool is refused: the gateway stores no content and runs no tools.
/// </summary>
public static partial class ResponsesRequestReader
{
    public static ParsedRequest Read(ReadOnlyMemory<byte> body, TokenCounter tokens)
    {
        try
        {
            var request = RepeatedProperty.ParseStrict(body.Span) as JsonObject ?? throw new InvalidResponsesRequestException("The request body must be a JSON object.", null);
            var (chat, maxOutputTokens) = Convert(request);
            var converted = JsonSerializer.SerializeToUtf8Bytes(chat);
            var info = ChatRequestReader.Read(converted, tokens, out var error);
            if (error is not null)
                return ParsedRequest.Invalid(InResponsesTerms(error));
            // The bound travels beside the body: each provider adapter writes it in the field its server knows.
            return new ParsedRequest(info with { MaxOutputTokens = maxOutputTokens }, converted, null);
        }
        catch (JsonException ex)
        {
            return ParsedRequest.Invalid(GatewayError.InvalidRequest($"The request body is not valid JSON: {ex.Message}"));
        }
        catch (InvalidResponsesRequestException ex)
        {
            return ParsedRequest.Invalid(GatewayError.InvalidRequest(ex.Message, ex.Param));
        }
        catch (Exception ex) when (Providers.OpenAIRequestParts.IsSchemaFault(ex))
        {
            // A missing property or a value of the wrong JSON type (GetValue<string> on a number, AsArray on an object...).
            return ParsedRequest.Invalid(GatewayError.InvalidRequest("The request does not follow the OpenAI Responses schema.", "input"));
        }
    }

    /// <summary>The chat reader's refusals speak of <c>messages[n]</c>; a Responses client sent <c>input</c>.</summary>
    private static GatewayError InResponsesTerms(GatewayError error) => error.Param == "messages"
        ? error with { Param = "input", Message = MessageIndex().Replace(error.Message, "input") }
        : error;

    [System.Text.RegularExpressions.GeneratedRegex(@"^messages(\[\d+\])?")]
    private static partial System.Text.RegularExpressions.Regex MessageIndex();

    private static (JsonObject Chat, int? MaxOutputTokens) Convert(JsonObject request)
    {
        RefuseStoredState(request);
        var model = request["model"];
        if (model is not null && model.GetValueKind() == JsonValueKind.Null)
            model = null;
        if ((model is null && request["models"] is null) || (model is not null && model.GetValueKind() != JsonValueKind.String))
            throw new InvalidResponsesRequestException("model: a string is required.", "model");

        var messages = new JsonArray();
        if (request["instructions"] is { } instructions && instructions.GetValueKind() != JsonValueKind.Null)
            messages.Add(new JsonObject { ["role"] = "system", ["content"] = String(instructions, "instructions") });
        switch (request["input"])
        {
            case JsonValue text when text.GetValueKind() == JsonValueKind.String:
                messages.Add(new JsonObject { ["role"] = "user", ["content"] = text.GetValue<string>() });
                break;
            case JsonArray items:
                for (var i = 0; i < items.Count; i++)
                    ResponsesInputItems.Add(items[i] as JsonObject ?? throw new InvalidResponsesRequestException($"input[{i}]: each item must be an object.", "input"), i, messages);
                break;
            default:
                throw new InvalidResponsesRequestException("input: a string or an array of input items is required.", "input");
        }
        if (!messages.Any(m => m!["role"]!.GetValue<string>() != "system"))
            throw new InvalidResponsesRequestException("input: at least one message or function call output is required.", "input");

        var chat = new JsonObject { ["messages"] = messages };
        if (model is not null)
            chat["model"] = model.GetValue<string>();
        // Fallback models, as on chat requests; the chat reader checks them.
        if (request["models"] is { } models)
            chat["models"] = models.DeepClone();
        var maxOutputTokens = MaxOutputTokens(request["max_output_tokens"]);
        CopyNumber(request, "temperature", chat);
        CopyNumber(request, "top_p", chat);
        foreach (var name in (string[])["user", "safety_identifier", "prompt_cache_key", "service_tier"])
        {
            if (request[name] is { } value && value.GetValueKind() != JsonValueKind.Null)
                chat[name] = String(value, name);
        }
        CheckMetadata(request["metadata"]);
        if (request["store"] is { } store && store.GetValueKind() is not (JsonValueKind.True or JsonValueKind.False or JsonValueKind.Null))
            throw new InvalidResponsesRequestException("store: a boolean is expected.", "store");
        if (request["reasoning"]?["effort"] is JsonValue effort && effort.GetValueKind() == JsonValueKind.String)
            chat["reasoning_effort"] = effort.GetValue<string>();
        ResponsesTools.Convert(request, chat);
        ConvertTextFormat(request["text"], chat);

        if (request["stream"] is { } stream && stream.GetValueKind() is not (JsonValueKind.True or JsonValueKind.False or JsonValueKind.Null))
            throw new InvalidResponsesRequestException("stream: a boolean is expected.", "stream");
        if (request["stream"]?.GetValueKind() == JsonValueKind.True)
        {
            chat["stream"] = true;
            // The usage chunk carries what response.completed reports.
            chat["stream_options"] = new JsonObject { ["include_usage"] = true };
        }
        return (chat, maxOutputTokens);
    }

    /// <summary>Features that need the provider to keep state between calls: the gateway keeps none.</summary>
    private static void RefuseStoredState(JsonObject request)
    {
        if (request["previous_response_id"] is { } previous && previous.GetValueKind() != JsonValueKind.Null)
        {
            throw new InvalidResponsesRequestException(
                "previous_response_id is not supported: this gateway stores no content, so there is no earlier response to continue. " +
                "Send the whole conversation in 'input' as items (messages, function_call and function_call_output items).", "previous_response_id");
        }
        if (request["conversation"] is { } conversation && conversation.GetValueKind() != JsonValueKind.Null)
            throw new InvalidResponsesRequestException("conversation is not supported: this gateway stores no content. Send the whole conversation in 'input' as items.", "conversation");
        if (request["background"]?.GetValueKind() == JsonValueKind.True)
            throw new InvalidResponsesRequestException("background is not supported: this gateway stores no responses to poll. Use stream: true for long answers.", "background");
        if (request["prompt"] is { } prompt && prompt.GetValueKind() != JsonValueKind.Null)
            throw new InvalidResponsesRequestException("prompt (a stored prompt template) is not supported: send the text in 'instructions' and 'input'.", "prompt");
    }

    private static int? MaxOutputTokens(JsonNode? value)
    {
        if (value is null || value.GetValueKind() == JsonValueKind.Null)
            return null;
        if (value.GetValueKind() != JsonValueKind.Number || !value.AsValue().TryGetValue<int>(out var bound) || bound < 1)
            throw new InvalidResponsesRequestException("max_output_tokens: a positive integer is expected.", "max_output_tokens");
        return bound;
    }

    private static void CheckMetadata(JsonNode? metadata)
    {
        // Accepted for compatibility and not sent on: OpenAI's chat API takes metadata only for stored completions.
        if (metadata is null || metadata.GetValueKind() == JsonValueKind.Null)
            return;
        if (metadata is not JsonObject pairs || pairs.Count > 16 || pairs.Any(p => p.Value?.GetValueKind() != JsonValueKind.String))
            throw new InvalidResponsesRequestException("metadata: an object of at most 16 string values is expected.", "metadata");
    }

    /// <summary><c>text.format</c> as chat's <c>response_format</c>; <c>text.verbosity</c> as chat's <c>verbosity</c>.</summary>
    private static void ConvertTextFormat(JsonNode? text, JsonObject chat)
    {
        if (text is null || text.GetValueKind() == JsonValueKind.Null)
            return;
        if (text is not JsonObject options)
            throw new InvalidResponsesRequestException("text: an object is expected.", "text");
        if (options["verbosity"] is JsonValue verbosity && verbosity.GetValueKind() == JsonValueKind.String)
            chat["verbosity"] = verbosity.GetValue<string>();
        if (options["format"] is not JsonObject format)
            return;
        switch (format["type"]?.GetValue<string>())
        {
            case "text":
                break;
            case "json_object":
                chat["response_format"] = new JsonObject { ["type"] = "json_object" };
                break;
            case "json_schema":
                var schema = new JsonObject
                {
                    ["name"] = String(format["name"] ?? throw new InvalidResponsesRequestException("text.format: a json_schema format needs a name.", "text"), "text.format.name"),
                    ["schema"] = (format["schema"] as JsonObject ?? throw new InvalidResponsesRequestException("text.format: a json_schema format needs a schema object.", "text")).DeepClone(),
                };
                if (format["description"] is JsonValue description)
                    schema["description"] = description.DeepClone();
                if (format["strict"] is JsonValue strict)
                    schema["strict"] = strict.DeepClone();
                chat["response_format"] = new JsonObject { ["type"] = "json_schema", ["json_schema"] = schema };
                break;
            case var other:
                throw new InvalidResponsesRequestException($"text.format: type '{other}' is not one of text, json_object, json_schema.", "text");
        }
    }

    internal static string String(JsonNode value, string name) =>
        value.GetValueKind() == JsonValueKind.String ? value.GetValue<string>() : throw new InvalidResponsesRequestException($"{name}: a string is expected.", name.Split('.')[0]);

    private static void CopyNumber(JsonObject from, string name, JsonObject to)
    {
        switch (from[name])
        {
            case null:
                return;
            case JsonValue value when value.GetValueKind() == JsonValueKind.Number:
                to[name] = value.DeepClone();
                return;
            case JsonValue value when value.GetValueKind() == JsonValueKind.Null:
                return;
            default:
                throw new InvalidResponsesRequestException($"{name}: a number is expected.", name);
        }
    }
}
