using System.Text.Json.Nodes;

namespace TokenPortal.Tests.Infrastructure;

/// <summary>A one-message chat request, whole or streamed (with the usage chunk asked for), and the usage its answer reports.</summary>
public static class ChatExchange
{
    public static StringContent Request(string model, bool stream, int? maxTokens = null) => new(
        $$"""{"model":"{{model}}","stream":{{(stream ? "true" : "false")}},"stream_options":{{(stream ? """{"include_usage":true}""" : "null")}},"max_tokens":{{(maxTokens?.ToString() ?? "null")}},"messages":[{"role":"user","content":"What is the weather in Paris?"}]}""",
        System.Text.Encoding.UTF8, "application/json");

    /// <summary>The <c>usage</c> a client sees: in the body of a whole answer, or in the last event of a stream that carries one.</summary>
    public static async Task<JsonNode> UsageAsync(HttpResponseMessage response, bool stream)
    {
        var body = await response.Content.ReadAsStringAsync();
        if (!stream)
            return JsonNode.Parse(body)!["usage"]!;
        return body.Split('\n').Where(l => l.StartsWith("data: {", StringComparison.Ordinal)).Select(l => JsonNode.Parse(l[6..])!)
            .Last(e => e["usage"] is JsonObject)["usage"]!;
    }
}
