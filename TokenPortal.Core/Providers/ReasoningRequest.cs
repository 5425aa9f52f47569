using System.Text.Json;
using System.Text.Json.Nodes;

namespace TokenPortal.Core.Providers;

/// <summary>
/// What a chat request asks of the model's thinking: OpenAI's <c>reasoning_effort</c> (minimal, low, medium, high) or
/// OpenRouter's <c>reasoning</c> object (<c>effort</c>, <c>max_tokens</c>, <c>enabled</c>), as one budget in tokens for
/// the providers that take a budget (Anthropic's <c>thinking.budget_tokens</c>, Gemini's <c>thinkingBudget</c>).
/// </summary>
internal readonly record struct ReasoningRequest(string? Effort, int? MaxTokens)
{
    /// <summary>The request's reasoning settings; null when it asks for none (or turns it off: effort "none", enabled false).</summary>
    public static ReasoningRequest? Read(JsonObject request)
    {
        string? effort = null;
        int? maxTokens = null;
        if (request["reasoning_effort"] is JsonValue level && level.GetValueKind() == JsonValueKind.String)
            effort = level.GetValue<string>();
        if (request["reasoning"] is JsonObject reasoning)
        {
            if (reasoning["enabled"] is JsonValue enabled && enabled.GetValueKind() == JsonValueKind.False)
                return null;
            if (reasoning["effort"] is JsonValue named && named.GetValueKind() == JsonValueKind.String)
                effort = named.GetValue<string>();
            if (reasoning["max_tokens"] is JsonValue budget && budget.GetValueKind() == JsonValueKind.Number)
            {
                if (!budget.TryGetValue<int>(out var tokens) || tokens < 0)
                    throw new UnsupportedRequestException("'reasoning.max_tokens' must be a non-negative integer.", "reasoning");
                maxTokens = tokens;
            }
            if (effort is null && maxTokens is null && reasoning["enabled"] is JsonValue on && on.GetValueKind() == JsonValueKind.True)
                effort = "medium";
        }
        if (effort is not (null or "minimal" or "low" or "medium" or "high" or "none"))
            throw new UnsupportedRequestException($"Reasoning effort '{effort}' is not one of none, minimal, low, medium, high.", "reasoning_effort");
        if (effort == "none" && maxTokens is null)
            return null;
        return effort is null && maxTokens is null ? null : new ReasoningRequest(effort, maxTokens);
    }

    /// <summary>The thinking budget: the one asked for, else the effort's (low 1024, medium 4096, high 16384; minimal <paramref name="minimal"/>).</summary>
    public int Budget(int minimal) => MaxTokens ?? Effort switch
    {
        "minimal" => minimal,
        "low" => 1024,
        "high" => 16384,
        _ => 4096,
    };
}
