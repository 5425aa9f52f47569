using System.Text.Json;
using System.Text.Json.Nodes;
using TokenPortal.Core.Configuration;

namespace TokenPortal.Core.Providers.OpenAI;

/// <summary>
/// What a chat request may carry for Anthropic that OpenAI-protocol servers would refuse as unknown fields:
/// <c>cache_control</c> markers (on the request, messages, parts, tool calls, tools) and assistant messages' <c>reasoning_details</c>
/// (and, for OpenAI itself, Gemini's <c>extra_content</c> on tool calls).
/// They are removed before such a request goes out; OpenAI itself also gets OpenRouter's <c>reasoning</c> object as its own
/// <c>reasoning_effort</c> (a budget as the nearest effort). A body without them is not touched (the common case costs one search of its bytes).
/// </summary>
internal static class AnthropicOnlyFields
{
    public static ReadOnlyMemory<byte> Strip(ReadOnlyMemory<byte> body, ProviderKind kind)
    {
        var span = body.Span;
        var openAIOnly = kind == ProviderKind.OpenAI && (span.IndexOf("\"reasoning\""u8) >= 0 || span.IndexOf("\"extra_content\""u8) >= 0);
        if (span.IndexOf("\"cache_control\""u8) < 0 && span.IndexOf("\"reasoning_details\""u8) < 0 && !openAIOnly)
            return body;
        JsonObject request;
        try
        {
            if (JsonNode.Parse(span) is not JsonObject parsed)
                return body;
            request = parsed;
            return Strip(request, kind);
        }
        catch (Exception ex) when (ex is JsonException or ArgumentException or InvalidOperationException)
        {
            return body; // a body we cannot rewrite goes as it came: the upstream judges it
        }
    }

    private static byte[] Strip(JsonObject request, ProviderKind kind)
    {

        request.Remove("cache_control");
        foreach (var message in request["messages"] as JsonArray ?? [])
        {
            if (message is not JsonObject m)
                continue;
            m.Remove("cache_control");
            m.Remove("reasoning_details");
            foreach (var part in m["content"] as JsonArray ?? [])
                (part as JsonObject)?.Remove("cache_control");
            foreach (var call in m["tool_calls"] as JsonArray ?? [])
            {
                (call as JsonObject)?.Remove("cache_control");
                // Gemini's thought signature, from an earlier turn served by Gemini; OpenAI refuses the field (compatible servers such as Google's own take it).
                if (kind == ProviderKind.OpenAI)
                    (call as JsonObject)?.Remove("extra_content");
            }
        }
        foreach (var tool in request["tools"] as JsonArray ?? [])
        {
            (tool as JsonObject)?.Remove("cache_control");
            (tool?["function"] as JsonObject)?.Remove("cache_control");
        }
        if (kind == ProviderKind.OpenAI && request["reasoning"] is JsonObject reasoning)
        {
            request.Remove("reasoning");
            if (request["reasoning_effort"] is null && reasoning["effort"] is JsonValue effort && effort.GetValueKind() == JsonValueKind.String)
                request["reasoning_effort"] = effort.GetValue<string>();
            // A budget (Anthropic's thinking.budget_tokens, read from /v1/messages) as the nearest effort.
            else if (request["reasoning_effort"] is null && reasoning["max_tokens"] is JsonValue budget && budget.TryGetValue<int>(out var tokens))
                request["reasoning_effort"] = tokens <= 1024 ? "low" : tokens <= 8192 ? "medium" : "high";
        }
        return JsonSerializer.SerializeToUtf8Bytes(request);
    }
}
