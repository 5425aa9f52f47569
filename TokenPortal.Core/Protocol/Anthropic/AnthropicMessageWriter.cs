using System.Buffers;
using System.Text.Json;
using System.Text.Json.Nodes;
using TokenPortal.Core.Protocol;

namespace TokenPortal.Core.Protocol.Anthropic;

/// <summary>
/// An OpenAI chat completion as an Anthropic message: thinking (with its signatures, when Anthropic answered), text and
/// tool calls as content blocks, usage split the Anthropic way.
/// </summary>
internal static class AnthropicMessageWriter
{
    public static void Write(ReadOnlySpan<byte> openAICompletion, IBufferWriter<byte> output)
    {
        var completion = JsonNode.Parse(openAICompletion)!.AsObject();
        var choice = completion["choices"]?.AsArray().FirstOrDefault();
        var message = choice?["message"];
        using var writer = new Utf8JsonWriter(output, JsonWriting.Options);
        writer.WriteStartObject();
        writer.WriteString("id", completion["id"]?.GetValue<string>() ?? "msg");
        writer.WriteString("type", "message");
        writer.WriteString("role", "assistant");
        writer.WriteString("model", completion["model"]?.GetValue<string>() ?? "");
        writer.WriteStartArray("content");
        WriteThinking(message, writer);
        if (message?["content"] is JsonValue text && text.GetValueKind() == JsonValueKind.String && text.GetValue<string>().Length > 0)
        {
            writer.WriteStartObject();
            writer.WriteString("type", "text");
            writer.WriteString("text", text.GetValue<string>());
            writer.WriteEndObject();
        }
        foreach (var call in message?["tool_calls"]?.AsArray() ?? [])
        {
            writer.WriteStartObject();
            writer.WriteString("type", "tool_use");
            writer.WriteString("id", ToolCallIds.ForClient(call!, "toolu"));
            writer.WriteString("name", call!["function"]!["name"]!.GetValue<string>());
            writer.WritePropertyName("input");
            WriteArguments(call["function"]!["arguments"]?.GetValue<string>(), writer);
            writer.WriteEndObject();
        }
        writer.WriteEndArray();
        writer.WriteString("stop_reason", AnthropicStopReasons.FromFinishReason(choice?["finish_reason"]?.GetValue<string>()));
        writer.WriteNull("stop_sequence");
        WriteUsage(completion["usage"], writer);
        writer.WriteEndObject();
    }

    /// <summary>OpenAI usage in Anthropic's terms: <c>input_tokens</c> excludes the cached ones; <c>cost</c> is kept.</summary>
    internal static void WriteUsage(JsonNode? usage, Utf8JsonWriter writer)
    {
        var prompt = usage?["prompt_tokens"]?.GetValue<int>() ?? 0;
        var cached = usage?["prompt_tokens_details"]?["cached_tokens"]?.GetValue<int>() ?? 0;
        var created = usage?["prompt_tokens_details"]?["cache_creation_tokens"]?.GetValue<int>() ?? 0;
        var created1h = Math.Min(created, usage?["prompt_tokens_details"]?["cache_creation_1h_tokens"]?.GetValue<int>() ?? 0);
        writer.WriteStartObject("usage");
        writer.WriteNumber("input_tokens", Math.Max(0, prompt - cached - created));
        writer.WriteNumber("cache_creation_input_tokens", created);
        writer.WriteNumber("cache_read_input_tokens", cached);
        writer.WriteStartObject("cache_creation");
        writer.WriteNumber("ephemeral_5m_input_tokens", created - created1h);
        writer.WriteNumber("ephemeral_1h_input_tokens", created1h);
        writer.WriteEndObject();
        writer.WriteNumber("output_tokens", usage?["completion_tokens"]?.GetValue<int>() ?? 0);
        if (usage?["cost"] is JsonValue cost)
        {
            writer.WritePropertyName("cost");
            cost.WriteTo(writer);
        }
        writer.WriteEndObject();
    }

    /// <summary>
    /// The answer's thinking as thinking blocks: each <c>reasoning_details</c> entry as it came (Anthropic's signature or
    /// redacted data); else the <c>reasoning_content</c> of another provider, with an empty signature.
    /// </summary>
    private static void WriteThinking(JsonNode? message, Utf8JsonWriter writer)
    {
        var reasoningText = message?["reasoning_content"] is JsonValue said && said.GetValueKind() == JsonValueKind.String ? said.GetValue<string>() : "";
        var wrote = false;
        foreach (var detail in message?["reasoning_details"] as JsonArray ?? [])
        {
            switch (detail?["type"]?.GetValue<string>())
            {
                case "reasoning.text":
                    writer.WriteStartObject();
                    writer.WriteString("type", "thinking");
                    writer.WriteString("thinking", detail["text"]?.GetValue<string>() ?? "");
                    writer.WriteString("signature", detail["signature"]?.GetValue<string>() ?? "");
                    writer.WriteEndObject();
                    wrote = true;
                    break;
                case "reasoning.encrypted":
                    writer.WriteStartObject();
                    writer.WriteString("type", "redacted_thinking");
                    writer.WriteString("data", detail["data"]?.GetValue<string>() ?? "");
                    writer.WriteEndObject();
                    wrote = true;
                    break;
            }
        }
        if (!wrote && reasoningText.Length > 0)
        {
            writer.WriteStartObject();
            writer.WriteString("type", "thinking");
            writer.WriteString("thinking", reasoningText);
            writer.WriteString("signature", "");
            writer.WriteEndObject();
        }
    }

    /// <summary>Tool arguments as a JSON object; arguments that are not one are wrapped so the client still gets valid JSON.</summary>
    internal static void WriteArguments(string? arguments, Utf8JsonWriter writer)
    {
        try
        {
            if (JsonNode.Parse(string.IsNullOrWhiteSpace(arguments) ? "{}" : arguments) is JsonObject input)
            {
                input.WriteTo(writer);
                return;
            }
        }
        catch (JsonException)
        {
        }
        writer.WriteStartObject();
        writer.WriteString("arguments", arguments);
        writer.WriteEndObject();
    }
}
