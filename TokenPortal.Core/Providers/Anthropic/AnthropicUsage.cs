using System.Text.Json;
using System.Text.Json.Nodes;

namespace TokenPortal.Core.Providers.Anthropic;

/// <summary>
/// Anthropic's usage in OpenAI's terms. Anthropic's <c>input_tokens</c> excludes cached tokens, so
/// <c>prompt_tokens</c> = input + cache reads + cache writes; cache reads are the cached tokens (billed at
/// the cached price) and cache writes are billed at the input price.
/// </summary>
internal sealed class AnthropicUsage
{
    public int Input { get; private set; }
    public int CacheRead { get; private set; }
    public int CacheCreation { get; private set; }
    public int Output { get; private set; }

    /// <summary>Takes whatever counts <paramref name="usage"/> carries (message_start and message_delta each carry some).</summary>
    public void Update(JsonNode? usage)
    {
        if (usage is not JsonObject counts)
            return;
        Input = Read(counts, "input_tokens") ?? Input;
        CacheRead = Read(counts, "cache_read_input_tokens") ?? CacheRead;
        CacheCreation = Read(counts, "cache_creation_input_tokens") ?? CacheCreation;
        Output = Read(counts, "output_tokens") ?? Output;
    }

    public void WriteOpenAI(Utf8JsonWriter writer)
    {
        var prompt = Input + CacheRead + CacheCreation;
        writer.WriteStartObject("usage");
        writer.WriteNumber("prompt_tokens", prompt);
        writer.WriteNumber("completion_tokens", Output);
        writer.WriteNumber("total_tokens", prompt + Output);
        writer.WriteStartObject("prompt_tokens_details");
        writer.WriteNumber("cached_tokens", CacheRead);
        writer.WriteNumber("cache_creation_tokens", CacheCreation);
        writer.WriteEndObject();
        writer.WriteEndObject();
    }

    private static int? Read(JsonObject counts, string name) =>
        counts[name] is { } value && value.GetValueKind() == JsonValueKind.Number ? value.GetValue<int>() : null;
}
