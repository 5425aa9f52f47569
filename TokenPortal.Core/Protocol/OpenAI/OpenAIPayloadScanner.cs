using System.Text;
using System.Text.Json;
using TokenPortal.Core.Billing;

namespace TokenPortal.Core.Protocol.OpenAI;

/// <summary>
/// One forward pass over an OpenAI chat completion or stream chunk: finds the model and usage
/// values, reads the usage, counts choices, reads the first choice's finish reason, and collects
/// the generated text for local counting.
/// </summary>
internal static class OpenAIPayloadScanner
{
    /// <summary>The width of <c>RequestLogRecord.FinishReason</c>.</summary>
    private const int MaxFinishReasonLength = 40;

    public static PayloadScan Scan(ReadOnlySpan<byte> json, StringBuilder? generatedText)
    {
        try
        {
            return ScanCore(json, generatedText);
        }
        catch (JsonException)
        {
            return PayloadScan.Invalid;
        }
    }

    private static PayloadScan ScanCore(ReadOnlySpan<byte> json, StringBuilder? generatedText)
    {
        var reader = new Utf8JsonReader(json);
        if (!reader.Read() || reader.TokenType != JsonTokenType.StartObject)
            return PayloadScan.Invalid;

        Range? model = null, usageRange = null;
        TokenUsage? usage = null;
        var parts = UsageParts.None;
        var reasoning = 0;
        var choices = -1;
        string? error = null, finishReason = null;
        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            if (reader.ValueTextEquals("model"u8))
            {
                reader.Read();
                if (reader.TokenType == JsonTokenType.String)
                    model = new Range((int)reader.TokenStartIndex, (int)reader.BytesConsumed);
                else
                    reader.Skip();
            }
            else if (reader.ValueTextEquals("usage"u8))
            {
                reader.Read();
                var start = (int)reader.TokenStartIndex;
                if (reader.TokenType == JsonTokenType.StartObject)
                    usage = ReadUsage(ref reader, out parts, out reasoning);
                else
                    reader.Skip();
                usageRange = new Range(start, (int)reader.BytesConsumed);
            }
            else if (reader.ValueTextEquals("choices"u8))
            {
                reader.Read();
                choices = reader.TokenType == JsonTokenType.StartArray ? ReadChoices(ref reader, generatedText, out finishReason) : -1;
                if (choices < 0)
                    reader.Skip();
            }
            else if (reader.ValueTextEquals("error"u8))
            {
                reader.Read();
                error = ReadError(ref reader);
            }
            else
            {
                reader.Read();
                reader.Skip();
            }
        }
        if (reader.TokenType != JsonTokenType.EndObject)
            return PayloadScan.Invalid;
        return new PayloadScan(true, model, usageRange, usage, choices, error, parts, reasoning, finishReason);
    }

    private static TokenUsage ReadUsage(ref Utf8JsonReader reader, out UsageParts parts, out int reasoning)
    {
        int prompt = 0, completion = 0, cached = 0, writes = 0, writes1h = 0;
        int? total = null;
        (parts, reasoning) = (UsageParts.None, 0);
        var depth = reader.CurrentDepth;
        while (reader.Read() && reader.CurrentDepth > depth)
        {
            if (reader.TokenType != JsonTokenType.PropertyName)
                continue;
            if (reader.CurrentDepth == depth + 1 && reader.ValueTextEquals("prompt_tokens"u8))
            {
                prompt = ReadInt(ref reader, out var reported);
                parts |= reported ? UsageParts.Prompt : 0;
            }
            else if (reader.CurrentDepth == depth + 1 && reader.ValueTextEquals("completion_tokens"u8))
            {
                completion = ReadInt(ref reader, out var reported);
                parts |= reported ? UsageParts.Completion : 0;
            }
            else if (reader.CurrentDepth == depth + 1 && reader.ValueTextEquals("total_tokens"u8))
            {
                var value = ReadInt(ref reader, out var reported);
                total = reported ? value : null;
            }
            else if (reader.ValueTextEquals("reasoning_tokens"u8))
                reasoning = ReadInt(ref reader, out _);
            // OpenAI: prompt_tokens_details.cached_tokens; DeepSeek: prompt_cache_hit_tokens.
            else if (reader.ValueTextEquals("cached_tokens"u8) || reader.ValueTextEquals("prompt_cache_hit_tokens"u8))
                cached = Math.Max(cached, ReadInt(ref reader, out _));
            // Ours and Anthropic's converters: prompt_tokens_details.cache_creation_tokens (all writes) and
            // cache_creation_1h_tokens (the 1-hour part); OpenRouter: cache_write_tokens; LiteLLM: cache_creation_input_tokens.
            else if (reader.ValueTextEquals("cache_creation_tokens"u8) || reader.ValueTextEquals("cache_write_tokens"u8) || reader.ValueTextEquals("cache_creation_input_tokens"u8))
                writes = Math.Max(writes, ReadInt(ref reader, out _));
            else if (reader.ValueTextEquals("cache_creation_1h_tokens"u8) || reader.ValueTextEquals("ephemeral_1h_input_tokens"u8))
                writes1h = Math.Max(writes1h, ReadInt(ref reader, out _));
        }
        writes1h = Math.Min(writes1h, writes);
        // Some servers (xAI, Gemini's OpenAI-compatible API) leave reasoning out of completion_tokens but count it in
        // total_tokens, and bill it as output: the output is whatever the total has beyond the prompt.
        if (total is { } sum && (parts & UsageParts.Prompt) != 0)
            completion = (int)Math.Clamp((long)sum - prompt, completion, int.MaxValue);
        return new TokenUsage(prompt, completion, cached, writes - writes1h, writes1h);
    }

    /// <summary>Counts the choices; <paramref name="finishReason"/> is that of choice 0 (by its <c>index</c>, else its place), when it has one.</summary>
    private static int ReadChoices(ref Utf8JsonReader reader, StringBuilder? generatedText, out string? finishReason)
    {
        var depth = reader.CurrentDepth;
        var count = 0;
        finishReason = null;
        int? index = null;
        string? finish = null;
        while (reader.Read() && reader.CurrentDepth > depth)
        {
            if (reader.TokenType == JsonTokenType.StartObject && reader.CurrentDepth == depth + 1)
            {
                count++;
                (index, finish) = (null, null);
            }
            else if (reader.TokenType == JsonTokenType.EndObject && reader.CurrentDepth == depth + 1)
            {
                if ((index ?? count - 1) == 0 && finish is not null)
                    finishReason = finish;
            }
            else if (reader.TokenType == JsonTokenType.PropertyName && reader.CurrentDepth == depth + 2 && reader.ValueTextEquals("finish_reason"u8))
            {
                reader.Read();
                finish = reader.TokenType == JsonTokenType.String ? ReadFinishReason(ref reader) : null;
            }
            else if (reader.TokenType == JsonTokenType.PropertyName && reader.CurrentDepth == depth + 2 && reader.ValueTextEquals("index"u8))
            {
                reader.Read();
                index = reader.TokenType == JsonTokenType.Number && reader.TryGetInt32(out var i) ? i : null;
            }
            else if (generatedText is not null && reader.TokenType == JsonTokenType.PropertyName && IsGeneratedText(ref reader))
            {
                reader.Read();
                if (reader.TokenType == JsonTokenType.String)
                    generatedText.Append(reader.GetString());
            }
        }
        return count;
    }

    /// <summary>OpenAI's usual words without allocating; anything else as sent, cut to the log column's 40 characters.</summary>
    private static string ReadFinishReason(ref Utf8JsonReader reader)
    {
        if (reader.ValueTextEquals("stop"u8))
            return "stop";
        if (reader.ValueTextEquals("length"u8))
            return "length";
        if (reader.ValueTextEquals("tool_calls"u8))
            return "tool_calls";
        if (reader.ValueTextEquals("content_filter"u8))
            return "content_filter";
        if (reader.ValueTextEquals("function_call"u8))
            return "function_call";
        var text = reader.GetString()!;
        return text.Length <= MaxFinishReasonLength ? text : text[..MaxFinishReasonLength];
    }

    private static bool IsGeneratedText(ref Utf8JsonReader reader) =>
        reader.ValueTextEquals("content"u8) || reader.ValueTextEquals("arguments"u8) ||
        reader.ValueTextEquals("reasoning_content"u8) || reader.ValueTextEquals("refusal"u8) ||
        reader.ValueTextEquals("name"u8);

    private static string? ReadError(ref Utf8JsonReader reader)
    {
        switch (reader.TokenType)
        {
            case JsonTokenType.Null:
                return null;
            case JsonTokenType.String:
                return reader.GetString();
            case JsonTokenType.StartObject:
                var depth = reader.CurrentDepth;
                string? message = null;
                while (reader.Read() && reader.CurrentDepth > depth)
                {
                    if (reader.TokenType == JsonTokenType.PropertyName && reader.CurrentDepth == depth + 1 && reader.ValueTextEquals("message"u8))
                    {
                        reader.Read();
                        message = reader.TokenType == JsonTokenType.String ? reader.GetString() : message;
                    }
                }
                return message ?? "The provider reported an error.";
            default:
                reader.Skip();
                return "The provider reported an error.";
        }
    }

    /// <summary>A count as <see cref="UsageCount"/> reads one; <paramref name="reported"/> is false when the value is none (null, missing, text, negative).</summary>
    private static int ReadInt(ref Utf8JsonReader reader, out bool reported)
    {
        reader.Read();
        int? count = reader.TokenType switch
        {
            JsonTokenType.Number when reader.TryGetInt32(out var value) => value >= 0 ? value : null,
            JsonTokenType.Number when reader.TryGetDouble(out var number) => UsageCount.FromNumber(number),
            _ => null,
        };
        reader.Skip();
        reported = count is not null;
        return count ?? 0;
    }
}
