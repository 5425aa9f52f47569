using System.Text.Json;
using System.Text.Json.Nodes;

namespace TokenPortal.Core.Providers.Gemini;

/// <summary>What Gemini's candidates and usage mean in OpenAI's terms; shared by the whole and the streamed answer.</summary>
internal static class GeminiCandidates
{
    /// <summary>Gemini's <c>finishReason</c> as OpenAI's; safety stops become a clear <c>content_filter</c>.</summary>
    public static string FinishReason(string? reason, bool calledFunctions) => reason switch
    {
        "MAX_TOKENS" => "length",
        "SAFETY" or "RECITATION" or "BLOCKLIST" or "PROHIBITED_CONTENT" or "SPII" or "IMAGE_SAFETY" => "content_filter",
        _ when calledFunctions => "tool_calls",
        _ => "stop",
    };

    /// <summary>Text parts of a candidate, leaving out thought summaries.</summary>
    public static string Text(JsonNode? candidate) => string.Concat(Parts(candidate)
        .Where(p => p["text"] is not null && p["thought"]?.GetValue<bool>() != true)
        .Select(p => p["text"]!.GetValue<string>()));

    /// <summary>Thought summaries of a candidate (parts marked <c>thought</c>), as <c>reasoning_content</c>.</summary>
    public static string Thoughts(JsonNode? candidate) => string.Concat(Parts(candidate)
        .Where(p => p["text"] is not null && p["thought"]?.GetValue<bool>() == true)
        .Select(p => p["text"]!.GetValue<string>()));

    public static IEnumerable<JsonObject> FunctionCalls(JsonNode? candidate) =>
        Parts(candidate).Where(p => p["functionCall"] is JsonObject).Select(p => p["functionCall"]!.AsObject());

    /// <summary>The <c>thoughtSignature</c> of the part holding <paramref name="call"/>: Gemini wants it back with the call in the next turn.</summary>
    public static string? ThoughtSignature(JsonObject call) =>
        call.Parent?["thoughtSignature"] is JsonValue signature && signature.GetValueKind() == JsonValueKind.String ? signature.GetValue<string>() : null;

    /// <summary>A thought signature on an OpenAI tool call, where Google's OpenAI-compatible API puts it: <c>extra_content.google.thought_signature</c>.</summary>
    public static void WriteSignature(Utf8JsonWriter writer, string? signature)
    {
        if (signature is null)
            return;
        writer.WriteStartObject("extra_content");
        writer.WriteStartObject("google");
        writer.WriteString("thought_signature", signature);
        writer.WriteEndObject();
        writer.WriteEndObject();
    }

    public static string CallId(int candidate, int call) => $"call_{candidate}_{call}";

    /// <summary>
    /// <c>usageMetadata</c> as OpenAI usage: the prompt count includes cached content; thinking tokens are
    /// billed as output, as Gemini bills them.
    /// </summary>
    /// <param name="final">The usage came with the answer's end; earlier (streamed) usage counts only the prompt for sure.</param>
    public static void WriteUsage(JsonNode? usage, Utf8JsonWriter writer, bool final = true)
    {
        if (usage is not JsonObject)
            return; // nothing reported: the gateway counts it all locally
        var prompt = Read(usage, "promptTokenCount");
        var completion = Read(usage, "candidatesTokenCount") + Read(usage, "thoughtsTokenCount");
        var hasPrompt = usage["promptTokenCount"] is JsonValue;
        var hasCompletion = final && (usage["candidatesTokenCount"] is JsonValue || usage["thoughtsTokenCount"] is JsonValue);
        writer.WriteStartObject("usage");
        if (hasPrompt)
            writer.WriteNumber("prompt_tokens", prompt);
        if (hasCompletion)
            writer.WriteNumber("completion_tokens", completion);
        if (hasPrompt && hasCompletion)
            writer.WriteNumber("total_tokens", prompt + completion);
        writer.WriteStartObject("prompt_tokens_details");
        writer.WriteNumber("cached_tokens", Read(usage, "cachedContentTokenCount"));
        writer.WriteEndObject();
        writer.WriteStartObject("completion_tokens_details");
        writer.WriteNumber("reasoning_tokens", Read(usage, "thoughtsTokenCount"));
        writer.WriteEndObject();
        writer.WriteEndObject();
    }

    private static IEnumerable<JsonObject> Parts(JsonNode? candidate) =>
        candidate?["content"]?["parts"] is JsonArray parts ? parts.OfType<JsonObject>() : [];

    private static int Read(JsonNode? usage, string name) => Protocol.UsageCount.From(usage?[name]) ?? 0;
}
