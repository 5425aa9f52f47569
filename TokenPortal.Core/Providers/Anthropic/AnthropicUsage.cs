using System.Text.Json;
using System.Text.Json.Nodes;

namespace TokenPortal.Core.Providers.Anthropic;

/// <summary>
/// Anthropic's usage in OpenAI's terms. Anthropic's <c>input_tokens</c> excludes cached tokens, so
/// <c>prompt_tokens</c> = input + cache reads + cache writes; cache reads are the cached tokens (billed at
/// the cached price), cache writes are <c>prompt_tokens_details.cache_creation_tokens</c> and the 1-hour part of them
/// <c>cache_creation_1h_tokens</c> (<c>cache_creation.ephemeral_1h_input_tokens</c>), each billed at its write price. Only counts Anthropic reported are
/// written: a count it left out is missing, not 0, so the gateway counts it locally instead of billing nothing.
/// </summary>
/// <param name="tokens">Counts the thinking for <c>completion_tokens_details.reasoning_tokens</c>: Anthropic bills it in
/// <c>output_tokens</c> without saying how much of them it was. Written only beside a reported output count (and at most
/// that), so it never adds to a local estimate of the output, which counts the thinking text itself.</param>
internal sealed class AnthropicUsage(Gateway.TokenCounter? tokens = null)
{
    private System.Text.StringBuilder? _thinking;

    /// <summary>Thinking the answer held, for its reasoning count.</summary>
    public void AddThinking(string? text)
    {
        if (tokens is not null && !string.IsNullOrEmpty(text))
            (_thinking ??= new()).Append(text);
    }

    public int Input { get; private set; }
    public int CacheRead { get; private set; }
    public int CacheCreation { get; private set; }
    public int CacheCreation1h { get; private set; }
    public int Output { get; private set; }

    /// <summary>Which counts Anthropic has reported so far.</summary>
    public Billing.UsageParts Reported { get; private set; }

    /// <summary>Takes whatever counts <paramref name="usage"/> carries (message_start and message_delta each carry some).</summary>
    /// <param name="final">
    /// The output count is the answer's own: a whole message, or message_delta. message_start's <c>output_tokens</c>
    /// is a placeholder (1) while nothing is generated yet, so it does not count as reported.
    /// </param>
    public void Update(JsonNode? usage, bool final = true)
    {
        if (usage is not JsonObject counts)
            return;
        if (Read(counts, "input_tokens") is { } input)
            (Input, Reported) = (input, Reported | Billing.UsageParts.Prompt);
        CacheRead = Read(counts, "cache_read_input_tokens") ?? CacheRead;
        CacheCreation = Read(counts, "cache_creation_input_tokens") ?? CacheCreation;
        if (counts["cache_creation"] is JsonObject breakdown)
        {
            CacheCreation1h = Read(breakdown, "ephemeral_1h_input_tokens") ?? CacheCreation1h;
            // The breakdown alone (no total) still says what was written.
            CacheCreation = Math.Max(CacheCreation, CacheCreation1h + (Read(breakdown, "ephemeral_5m_input_tokens") ?? 0));
        }
        if (Read(counts, "output_tokens") is { } output && final)
            (Output, Reported) = (output, Reported | Billing.UsageParts.Completion);
    }

    public void WriteOpenAI(Utf8JsonWriter writer)
    {
        var prompt = Input + CacheRead + CacheCreation;
        writer.WriteStartObject("usage");
        if (Reported.HasFlag(Billing.UsageParts.Prompt))
            writer.WriteNumber("prompt_tokens", prompt);
        if (Reported.HasFlag(Billing.UsageParts.Completion))
            writer.WriteNumber("completion_tokens", Output);
        if (Reported == Billing.UsageParts.Both)
            writer.WriteNumber("total_tokens", prompt + Output);
        if (Reported.HasFlag(Billing.UsageParts.Prompt))
        {
            writer.WriteStartObject("prompt_tokens_details");
            writer.WriteNumber("cached_tokens", CacheRead);
            writer.WriteNumber("cache_creation_tokens", CacheCreation);
            if (CacheCreation1h > 0)
                writer.WriteNumber("cache_creation_1h_tokens", Math.Min(CacheCreation1h, CacheCreation));
            writer.WriteEndObject();
        }
        if (Reported.HasFlag(Billing.UsageParts.Completion) && _thinking is not null && tokens is not null)
        {
            writer.WriteStartObject("completion_tokens_details");
            writer.WriteNumber("reasoning_tokens", Math.Min(Output, ThinkingTokens(tokens, _thinking)));
            writer.WriteEndObject();
        }
        writer.WriteEndObject();
    }

    private static int ThinkingTokens(Gateway.TokenCounter counter, System.Text.StringBuilder thinking)
    {
        var total = 0;
        foreach (var chunk in thinking.GetChunks())
            total += counter.Count(chunk.Span);
        return total;
    }

    private static int? Read(JsonObject counts, string name) => Protocol.UsageCount.From(counts[name]);
}
