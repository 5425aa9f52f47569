using System.Text.Json;
using System.Text.Json.Nodes;

namespace TokenPortal.Core.Providers.Anthropic;

/// <summary>
/// Extended thinking, both ways. A request's reasoning settings become <c>thinking: {type: enabled, budget_tokens}</c>,
/// the budget kept below the request's <c>max_tokens</c> (Anthropic wants it smaller; the output bound is what the
/// reservation paid for, so it is never raised); a budget under Anthropic's least (1024) leaves thinking off. Thinking
/// blocks travel in OpenAI messages as OpenRouter carries them: <c>reasoning_details</c> entries of type
/// <c>reasoning.text</c> (text and signature) and <c>reasoning.encrypted</c> (a redacted block's data).
/// </summary>
internal static class AnthropicThinking
{
    public const int LeastBudget = 1024;
    public const string Format = "anthropic-claude-v1";

    /// <summary>The <c>thinking</c> block for <paramref name="request"/>; null when it asks for no thinking or its output bound leaves no room.</summary>
    public static JsonObject? From(JsonObject request, int maxTokens)
    {
        if (ReasoningRequest.Read(request) is not { } reasoning)
            return null;
        var budget = Math.Min(reasoning.Budget(minimal: LeastBudget), maxTokens - 1);
        if (budget < LeastBudget)
            return null;
        return new JsonObject { ["type"] = "enabled", ["budget_tokens"] = budget };
    }

    /// <summary>
    /// Whether thinking can be on for <paramref name="messages"/>: Anthropic refuses a tool loop whose last assistant turn
    /// has tool calls but not the thinking that led to them (clients that keep only OpenAI's fields drop it), so such a
    /// request is answered without thinking rather than refused.
    /// </summary>
    public static bool CanContinue(JsonArray messages)
    {
        var last = messages.LastOrDefault(m => m?["role"]?.GetValue<string>() == "assistant")?["content"] as JsonArray;
        if (last is null || !last.Any(b => b?["type"]?.GetValue<string>() == "tool_use"))
            return true;
        return last.FirstOrDefault()?["type"]?.GetValue<string>() is "thinking" or "redacted_thinking";
    }

    /// <summary>The Anthropic block a <c>reasoning_details</c> entry stands for; null for entries of other providers or without a signature (Anthropic would refuse them).</summary>
    public static JsonObject? BlockOf(JsonNode? detail, string? fallbackText = null)
    {
        if (detail is not JsonObject entry)
            return null;
        if (entry["format"] is JsonValue format && format.GetValueKind() == JsonValueKind.String && !format.GetValue<string>().StartsWith("anthropic", StringComparison.Ordinal))
            return null;
        switch (entry["type"]?.GetValue<string>())
        {
            case "reasoning.text" when entry["signature"] is JsonValue signature && signature.GetValueKind() == JsonValueKind.String && signature.GetValue<string>().Length > 0:
                // A streamed answer gives the signature in its own entry; the text is then the message's reasoning_content.
                var text = entry["text"]?.GetValue<string>() is { Length: > 0 } own ? own : fallbackText ?? "";
                return new JsonObject { ["type"] = "thinking", ["thinking"] = text, ["signature"] = signature.GetValue<string>() };
            case "reasoning.encrypted" when entry["data"] is JsonValue data && data.GetValueKind() == JsonValueKind.String:
                return new JsonObject { ["type"] = "redacted_thinking", ["data"] = data.GetValue<string>() };
            default:
                return null;
        }
    }

    /// <summary>A thinking block as a <c>reasoning_details</c> entry.</summary>
    public static void WriteDetail(Utf8JsonWriter writer, string thinking, string? signature)
    {
        writer.WriteStartObject();
        writer.WriteString("type", "reasoning.text");
        writer.WriteString("text", thinking);
        if (signature is not null)
            writer.WriteString("signature", signature);
        writer.WriteString("format", Format);
        writer.WriteEndObject();
    }

    /// <summary>A redacted thinking block as a <c>reasoning_details</c> entry.</summary>
    public static void WriteRedacted(Utf8JsonWriter writer, string data)
    {
        writer.WriteStartObject();
        writer.WriteString("type", "reasoning.encrypted");
        writer.WriteString("data", data);
        writer.WriteString("format", Format);
        writer.WriteEndObject();
    }
}
