using System.Collections.Concurrent;
using System.Runtime.CompilerServices;
using System.Text;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Hosting;

namespace TokenPortal.Tests.Infrastructure;

/// <summary>
/// An OpenAI-compatible server on loopback whose behaviour is picked by the upstream model name
/// (so tests running at once never share a script): <c>fake-echo</c> answers normally, <c>fake-reasoning</c> thinks first
/// (DeepSeek-reasoner and vLLM's <c>reasoning_content</c>) and, given tools, calls one until given its result, the others fail in the ways real providers do.
/// </summary>
public sealed class FakeUpstream : IAsyncDisposable
{
    public const int PromptTokens = 42;
    public const int CachedTokens = 10;
    public const string UpstreamModelSuffix = "-2024-08-06";
    public static readonly string[] Words = ["Hello", " there", ",", " general", " Kenobi", "!", " Bye"];
    public static string FullText => string.Concat(Words);

    /// <summary>What fake-reasoning thinks before it answers, in the fragments it streams.</summary>
    public static readonly string[] ReasoningWords = ["The user", " greets me", ";", " I should", " greet back", "."];
    public static string FullReasoning => string.Concat(ReasoningWords);

    /// <summary>fake-reasoning's own count of its thinking, reported in <c>completion_tokens_details</c> and included in <c>completion_tokens</c>.</summary>
    public const int ReasoningTokens = 9;

    private static readonly Core.Gateway.TokenCounter Tokens = new();

    private readonly WebApplication _app;
    private readonly ConcurrentQueue<ReceivedRequest> _received = new();

    private FakeUpstream(WebApplication app) => _app = app;

    public Uri BaseUrl { get; private set; } = null!;

    public IReadOnlyList<ReceivedRequest> Received => [.. _received];

    public int CountFor(string upstreamModel) => _received.Count(r => r.Model == upstreamModel);

    private readonly ConcurrentDictionary<string, Func<int, FakeStep?>> _behaviours = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, StrongBox<int>> _requestNumbers = new(StringComparer.Ordinal);

    /// <summary>
    /// Scripts the answers for <paramref name="upstreamModel"/>: <paramref name="byRequest"/> gets the number of each of its
    /// requests (from 0) and picks a step; null answers as usual.
    /// </summary>
    public void Behave(string upstreamModel, Func<int, FakeStep?> byRequest) => _behaviours[upstreamModel] = byRequest;

    /// <summary>The first requests for <paramref name="upstreamModel"/> get <paramref name="steps"/>, one each; later ones are answered as usual.</summary>
    public void Script(string upstreamModel, params FakeStep[] steps) => Behave(upstreamModel, n => n < steps.Length ? steps[n] : null);

    private readonly ConcurrentDictionary<string, bool> _refusedKeys = new(StringComparer.Ordinal);

    /// <summary>From now on, chat requests bearing <paramref name="apiKey"/> are answered 401 (a revoked key).</summary>
    public void RefuseKey(string apiKey) => _refusedKeys[apiKey] = true;

    /// <summary>The most requests this fake has had in progress at once.</summary>
    public int PeakInFlight => Volatile.Read(ref _peakInFlight);

    private int _inFlight;
    private int _peakInFlight;

    public static async Task<FakeUpstream> StartAsync()
    {
        var app = LoopbackApp.Create();
        var fake = new FakeUpstream(app);
        app.MapPost("/v1/chat/completions", fake.ChatAsync);
        app.MapPost("/v1/messages", fake.AnthropicAsync);
        app.MapPost("/v1/embeddings", fake.EmbeddingsAsync);
        app.MapPost("/v1beta/models/{**target}", fake.GeminiAsync);
        await app.StartAsync();
        fake.BaseUrl = new Uri(LoopbackApp.Address(app), "v1/");
        return fake;
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync(TimeSpan.FromSeconds(2));
        await _app.DisposeAsync();
    }

    private async Task ChatAsync(HttpContext context)
    {
        var now = Interlocked.Increment(ref _inFlight);
        for (var peak = Volatile.Read(ref _peakInFlight); now > peak; peak = Volatile.Read(ref _peakInFlight))
            Interlocked.CompareExchange(ref _peakInFlight, now, peak);
        try
        {
            await RespondAsync(context);
        }
        finally
        {
            Interlocked.Decrement(ref _inFlight);
        }
    }

    private async Task RespondAsync(HttpContext context)
    {
        var body = (await JsonNode.ParseAsync(context.Request.Body))!.AsObject();
        var model = body["model"]!.GetValue<string>();
        _received.Enqueue(new ReceivedRequest(model, body, context.Request.Headers.Authorization.ToString()));
        var stream = body["stream"]?.GetValue<bool>() ?? false;
        var includeUsage = body["stream_options"]?["include_usage"]?.GetValue<bool>() ?? false;
        var bound = (body["max_completion_tokens"] ?? body["max_tokens"])?.GetValue<int>() ?? int.MaxValue;
        var words = model switch
        {
            "fake-slow" => Enumerable.Range(0, 20).Select(i => $" w{i}").ToArray(),
            "fake-long" => Enumerable.Range(0, 400).Select(i => $" w{i}").ToArray(),
            _ => Words,
        };
        var generated = words.Take(Math.Min(words.Length, bound)).ToArray();
        var abort = context.RequestAborted;

        if (_refusedKeys.ContainsKey(context.Request.Headers.Authorization.ToString().Replace("Bearer ", "", StringComparison.Ordinal)))
        {
            await WriteJsonAsync(context, 401, """{"error":{"message":"Incorrect API key provided.","type":"invalid_request_error","code":"invalid_api_key"}}""");
            return;
        }
        if (_behaviours.TryGetValue(model, out var behave)
            && behave(Interlocked.Increment(ref _requestNumbers.GetOrAdd(model, _ => new StrongBox<int>(0)).Value) - 1) is { } step)
        {
            if (step.DelayMs > 0)
                await Task.Delay(step.DelayMs, abort);
            if (step.Reset)
            {
                context.Abort();
                return;
            }
            if (step.Status != 0)
            {
                if (step.RetryAfterSeconds is { } retryAfter)
                    context.Response.Headers.RetryAfter = retryAfter.ToString(System.Globalization.CultureInfo.InvariantCulture);
                await WriteJsonAsync(context, step.Status, "{\"error\":{\"message\":\"scripted failure " + step.Status + "\",\"type\":\"server_error\",\"code\":null}}");
                return;
            }
            if (step.BreakAfterFirstChunk && stream)
            {
                context.Response.ContentType = "text/event-stream";
                await WriteEventAsync(context, Chunk(model, """{"role":"assistant","content":""" + JsonValue.Create(words[0]).ToJsonString() + "}", null, includeUsage));
                await WriteEventAsync(context, """{"error":{"message":"The server is overloaded mid-answer.","type":"server_error","code":null}}""");
                return;
            }
        }

        switch (model)
        {
            case "fake-500":
                await WriteJsonAsync(context, 500, """{"error":{"message":"The server had an error while processing your request.","type":"server_error","code":null}}""");
                return;
            case "fake-400":
                await WriteJsonAsync(context, 400, """{"error":{"message":"This model's maximum context length is 8 tokens.","type":"invalid_request_error","code":"context_length_exceeded"}}""");
                return;
            case "fake-hang":
                await Task.Delay(Timeout.Infinite, abort);
                return;
            case "fake-garbage":
                await WriteJsonAsync(context, 200, "this is not json {");
                return;
        }

        var usage = model switch
        {
            "fake-no-usage" => null,
            "fake-overrun" => Usage(100_000),
            // DeepSeek reports its cache hits beside prompt_tokens rather than in prompt_tokens_details.
            "fake-deepseek" => $"{{\"prompt_tokens\":{PromptTokens},\"completion_tokens\":{generated.Length},\"total_tokens\":{PromptTokens + generated.Length},\"prompt_cache_hit_tokens\":30,\"prompt_cache_miss_tokens\":{PromptTokens - 30}}}",
            "fake-reasoning" => Usage(generated.Length + ReasoningTokens, ReasoningTokens),
            _ => Usage(generated.Length),
        };
        var reasoning = model == "fake-reasoning" ? ReasoningWords : [];
        if (model == "fake-reasoning" && body["tools"] is JsonArray && body["messages"]!.AsArray()[^1]!["role"]!.GetValue<string>() != "tool")
        {
            await ReasonThenCallAsync(context, model, stream, includeUsage);
            return;
        }
        if (!stream)
        {
            if (model == "fake-cut")
            {
                context.Response.ContentType = "application/json";
                await context.Response.WriteAsync("""{"id":"chatcmpl-fake","object":"chat.completion","choi""", abort);
                await context.Response.Body.FlushAsync(abort);
                await Task.Delay(300, abort);
                context.Abort();
                return;
            }
            await WriteJsonAsync(context, 200, Completion(model, string.Concat(generated), generated.Length < words.Length ? "length" : "stop", usage, string.Concat(reasoning)));
            return;
        }

        context.Response.ContentType = "text/event-stream";
        await StreamReasoningAsync(context, model, reasoning, includeUsage);
        for (var i = 0; i < generated.Length; i++)
        {
            if (model == "fake-cut" && i == 3)
            {
                // Pause first: a reset right behind the data makes the kernel drop the unread chunks.
                await Task.Delay(300, abort);
                context.Abort();
                return;
            }
            if (model == "fake-stall" && i == 1)
            {
                await Task.Delay(Timeout.Infinite, abort);
                return;
            }
            await WriteEventAsync(context, Chunk(model, i == 0 && reasoning.Length == 0 ? """{"role":"assistant","content":""" + JsonValue.Create(generated[i]).ToJsonString() + "}" : """{"content":""" + JsonValue.Create(generated[i]).ToJsonString() + "}", null, includeUsage));
            if (model is "fake-slow" or "fake-long")
                await Task.Delay(model == "fake-slow" ? 150 : 25, abort);
        }
        await WriteEventAsync(context, Chunk(model, "{}", generated.Length < words.Length ? "length" : "stop", includeUsage));
        if (includeUsage && usage is not null)
            await WriteEventAsync(context, UsageChunk(model, usage));
        await WriteEventAsync(context, "[DONE]");
    }

    /// <summary>The id of the call fake-reasoning makes when given tools.</summary>
    public const string ReasonerCallId = "call_reasoner1";

    /// <summary>The tokens of fake-reasoning's tool call, besides its thinking.</summary>
    public const int ReasonerCallTokens = 11;

    /// <summary>fake-reasoning given tools and no result yet: it thinks, then calls get_weather for Paris (the arguments streamed in two pieces).</summary>
    private static async Task ReasonThenCallAsync(HttpContext context, string model, bool stream, bool includeUsage)
    {
        var usage = Usage(ReasonerCallTokens + ReasoningTokens, ReasoningTokens);
        static JsonObject Call(string arguments) => new()
        {
            ["index"] = 0, ["id"] = ReasonerCallId, ["type"] = "function",
            ["function"] = new JsonObject { ["name"] = "get_weather", ["arguments"] = arguments },
        };
        if (!stream)
        {
            var message = new JsonObject { ["role"] = "assistant", ["content"] = null, ["reasoning_content"] = FullReasoning, ["tool_calls"] = new JsonArray(Call("""{"city":"Paris"}""")) };
            await WriteJsonAsync(context, 200, Completion(model, message, "tool_calls", usage));
            return;
        }
        context.Response.ContentType = "text/event-stream";
        await StreamReasoningAsync(context, model, ReasoningWords, includeUsage);
        await WriteEventAsync(context, Chunk(model, new JsonObject { ["tool_calls"] = new JsonArray(Call("""{"city":""")) }.ToJsonString(), null, includeUsage));
        var rest = new JsonObject { ["index"] = 0, ["function"] = new JsonObject { ["arguments"] = "\"Paris\"}" } };
        await WriteEventAsync(context, Chunk(model, new JsonObject { ["tool_calls"] = new JsonArray(rest) }.ToJsonString(), null, includeUsage));
        await WriteEventAsync(context, Chunk(model, "{}", "tool_calls", includeUsage));
        if (includeUsage)
            await WriteEventAsync(context, UsageChunk(model, usage));
        await WriteEventAsync(context, "[DONE]");
    }

    /// <summary>The thinking first, the answer's content null beside it, as DeepSeek streams it; the role comes on the first chunk only.</summary>
    private static async Task StreamReasoningAsync(HttpContext context, string model, string[] reasoning, bool includeUsage)
    {
        for (var i = 0; i < reasoning.Length; i++)
            await WriteEventAsync(context, Chunk(model, (i == 0 ? """{"role":"assistant",""" : "{") + "\"content\":null,\"reasoning_content\":" + JsonValue.Create(reasoning[i]).ToJsonString() + "}", null, includeUsage));
    }

    /// <summary>
    /// Anthropic's Messages API, replaying the recordings under TestData/Anthropic: <c>claude-echo</c>
    /// answers with text (JSON when <c>output_config.format</c> gives a schema), <c>claude-tools</c> calls tools until it is given their results,
    /// <c>claude-cut</c> drops the connection after the first words.
    /// </summary>
    private async Task AnthropicAsync(HttpContext context)
    {
        var body = (await JsonNode.ParseAsync(context.Request.Body))!.AsObject();
        var model = body["model"]!.GetValue<string>();
        _received.Enqueue(new ReceivedRequest(model, body, context.Request.Headers["x-api-key"].ToString(), context.Request.Headers["anthropic-version"].ToString()));
        var stream = body["stream"]?.GetValue<bool>() ?? false;
        if (model == "claude-overloaded")
        {
            await WriteJsonAsync(context, 529, "{\"type\":\"error\",\"error\":{\"type\":\"overloaded_error\",\"message\":\"Overloaded\"}}");
            return;
        }
        if (model == "claude-malformed")
        {
            await WriteJsonAsync(context, 200, "{\"type\":\"message\",\"content\":[{\"type\":\"tool_use\"}],\"usage\":{\"input_tokens\":5,\"output_tokens\":1}}");
            return;
        }
        var lastTurn = body["messages"]!.AsArray()[^1]!["content"]!.AsArray();
        var answered = lastTurn.Any(b => b!["type"]!.GetValue<string>() == "tool_result");
        if (model == "claude-thinking" && ThinkingRefusal(body, answered) is { } refusal)
        {
            // What Anthropic says when extended thinking is asked for wrongly or its blocks do not come back.
            await WriteJsonAsync(context, 400, "{\"type\":\"error\",\"error\":{\"type\":\"invalid_request_error\",\"message\":" + JsonValue.Create(refusal).ToJsonString() + "}}");
            return;
        }
        if (model == "claude-cache-all")
        {
            // The whole prompt written to the 1-hour cache, and every output token the request allowed generated.
            var prompt = Tokens.Count(AllText(body));
            var maxTokens = body["max_tokens"]!.GetValue<int>();
            await WriteJsonAsync(context, 200, "{\"id\":\"msg_01All\",\"type\":\"message\",\"role\":\"assistant\",\"model\":\"claude-cache-all\",\"content\":[{\"type\":\"text\",\"text\":\"ok\"}]," +
                "\"stop_reason\":\"max_tokens\",\"stop_sequence\":null,\"usage\":{\"input_tokens\":0,\"cache_creation_input_tokens\":" + prompt + ",\"cache_read_input_tokens\":0," +
                "\"cache_creation\":{\"ephemeral_5m_input_tokens\":0,\"ephemeral_1h_input_tokens\":" + prompt + "},\"output_tokens\":" + maxTokens + "}}");
            return;
        }
        var recording = model switch
        {
            "claude-tools" when !answered => "tool",
            "claude-thinking" when !answered => "thinking-tool",
            // Structured output: Anthropic answers with text that holds JSON matching the schema.
            _ when body["output_config"]?["format"]?["schema"] is JsonObject => "json",
            _ => "text",
        };
        if (!stream)
        {
            var message = await File.ReadAllTextAsync(TestData($"Anthropic/{recording}-message.json"));
            await WriteJsonAsync(context, 200, model switch
            {
                "claude-no-usage" => Without(message, m => m.Remove("usage")),
                "claude-partial" => Without(message, m => m["usage"]!.AsObject().Remove("output_tokens")),
                "claude-cache" => Without(message, m => m["usage"] = JsonNode.Parse(CacheUsage)),
                _ => message,
            });
            return;
        }
        context.Response.ContentType = "text/event-stream";
        var recorded = await File.ReadAllTextAsync(TestData($"Anthropic/{recording}-stream.sse"));
        foreach (var recordedEvent in recorded.Split("\n\n", StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            // claude-no-usage reports no usage at all; claude-partial only message_start's (no final message_delta count).
            var sseEvent = model switch
            {
                "claude-no-usage" => WithoutInData(recordedEvent, e => { e.Remove("usage"); (e["message"] as JsonObject)?.Remove("usage"); }),
                "claude-partial" => WithoutInData(recordedEvent, e => e.Remove("usage")),
                "claude-cache" when recordedEvent.Contains("message_start", StringComparison.Ordinal) => WithoutInData(recordedEvent, e => e["message"]!["usage"] = JsonNode.Parse(CacheUsage)),
                _ => recordedEvent,
            };
            await context.Response.WriteAsync(sseEvent + "\n\n", context.RequestAborted);
            await context.Response.Body.FlushAsync(context.RequestAborted);
            // claude-cut: the connection drops after the first words (usage so far: message_start's input and 1 output token).
            if (model == "claude-cut" && sseEvent.Contains("content_block_delta", StringComparison.Ordinal))
            {
                await CutAsync(context);
                return;
            }
        }
    }

    /// <summary>
    /// claude-cache's usage: 30 plain input tokens, 2,000 cache reads, 101 tokens written to the 5-minute cache and 200 to the
    /// 1-hour cache, 12 out (the stream's message_delta says 12 again).
    /// </summary>
    public const string CacheUsage = """{"input_tokens":30,"cache_creation_input_tokens":301,"cache_read_input_tokens":2000,"cache_creation":{"ephemeral_5m_input_tokens":101,"ephemeral_1h_input_tokens":200},"output_tokens":12}""";

    /// <summary>The signature claude-thinking gives its thinking block; the next turn must bring it back.</summary>
    public const string ThinkingSignature = "EqQBCgIYAhIM1gbcDa9GJwZA2b3hGgxBdjrkzLoky3dl1pkiMOYds";

    /// <summary>
    /// What claude-thinking refuses, as Anthropic would: thinking not enabled, a budget not below max_tokens, a temperature
    /// other than 1, or (once tools answered) an assistant turn whose tool_use does not follow its signed thinking block.
    /// </summary>
    private static string? ThinkingRefusal(JsonObject body, bool answered)
    {
        if (body["thinking"]?["type"]?.GetValue<string>() != "enabled" || body["thinking"]!["budget_tokens"] is not JsonValue budget)
            return "claude-thinking wants thinking enabled";
        if (budget.GetValue<int>() < 1024 || budget.GetValue<int>() >= body["max_tokens"]!.GetValue<int>())
            return "thinking.budget_tokens: must be at least 1024 and less than max_tokens";
        if (body["temperature"] is JsonValue t && t.GetValue<double>() != 1)
            return "temperature may only be set to 1 when thinking is enabled";
        if (!answered)
            return null;
        var assistant = body["messages"]!.AsArray().LastOrDefault(m => m!["role"]!.GetValue<string>() == "assistant")?["content"] as JsonArray;
        var first = assistant?.FirstOrDefault();
        if (first?["type"]?.GetValue<string>() != "thinking" || first["signature"]?.GetValue<string>() != ThinkingSignature
            || first["thinking"]?.GetValue<string>() != "The user wants the weather in Paris. I should call get_weather.")
            return "messages.1.content.0.type: Expected `thinking` or `redacted_thinking`, but found `tool_use`. When `thinking` is enabled, a final `assistant` message must start with a thinking block.";
        return null;
    }

    /// <summary>The signature gemini-thinking gives its function call; the next turn must bring it back on the call.</summary>
    public const string GeminiThoughtSignature = "CiQB0e2Kb7Gemini+Signature==";

    private static string? GeminiThinkingRefusal(JsonObject body, bool answered)
    {
        if (body["generationConfig"]?["thinkingConfig"]?["includeThoughts"]?.GetValue<bool>() != true)
            return "gemini-thinking wants thinkingConfig.includeThoughts";
        if (!answered)
            return null;
        var call = body["contents"]!.AsArray().Where(c => c!["role"]!.GetValue<string>() == "model")
            .SelectMany(c => c!["parts"]!.AsArray()).FirstOrDefault(p => p!["functionCall"] is not null);
        return call?["thoughtSignature"]?.GetValue<string>() == GeminiThoughtSignature
            ? null
            : "Function call is missing a thought_signature in functionCall parts.";
    }

    /// <summary>The text of a request's system and messages, as a tokenizer would see it.</summary>
    private static string AllText(JsonObject body)
    {
        var text = new StringBuilder();
        void Walk(JsonNode? node)
        {
            switch (node)
            {
                case JsonObject o:
                    foreach (var (name, value) in o)
                    {
                        if (name is "text" or "content" or "system" && value is JsonValue v && v.GetValueKind() == System.Text.Json.JsonValueKind.String)
                            text.Append(v.GetValue<string>());
                        else
                            Walk(value);
                    }
                    break;
                case JsonArray a:
                    foreach (var item in a)
                        Walk(item);
                    break;
            }
        }
        Walk(body["system"] is JsonValue s ? new JsonObject { ["system"] = s.GetValue<string>() } : body["system"]);
        Walk(body["messages"]);
        return text.ToString();
    }

    /// <summary>OpenAI embeddings: a vector of <c>dimensions</c> (default 3) per input.</summary>
    private async Task EmbeddingsAsync(HttpContext context)
    {
        var body = (await JsonNode.ParseAsync(context.Request.Body))!.AsObject();
        var model = body["model"]!.GetValue<string>();
        _received.Enqueue(new ReceivedRequest(model, body, context.Request.Headers.Authorization.ToString()));
        // Counted as OpenAI would: tokens of each text, or the length of each token array.
        var items = body["input"] is JsonArray list && list.Count > 0 && list[0]!.GetValueKind() != System.Text.Json.JsonValueKind.Number
            ? list.Select(i => i!).ToList()
            : [body["input"]!];
        var tokens = items.Sum(i => i is JsonArray ids ? ids.Count : Tokens.Count(i.GetValue<string>()));
        var inputs = items.Count;
        var dimensions = body["dimensions"]?.GetValue<int>() ?? 3;
        var base64 = body["encoding_format"]?.GetValue<string>() == "base64";
        var vector = Enumerable.Range(1, dimensions).Select(i => i / 4f).ToArray();
        var encoded = base64
            ? JsonValue.Create(Convert.ToBase64String(vector.SelectMany(BitConverter.GetBytes).ToArray())).ToJsonString()
            : "[" + string.Join(",", vector.Select(v => v.ToString(System.Globalization.CultureInfo.InvariantCulture))) + "]";
        var data = string.Join(",", Enumerable.Range(0, inputs).Select(i => $"{{\"object\":\"embedding\",\"index\":{i},\"embedding\":{encoded}}}"));
        await WriteJsonAsync(context, 200,
            $"{{\"object\":\"list\",\"data\":[{data}],\"model\":\"{model}-v2\",\"usage\":{{\"prompt_tokens\":{tokens},\"total_tokens\":{tokens}}}}}");
    }

    /// <summary>
    /// Gemini's API, replaying TestData/Gemini: <c>gemini-echo</c> answers (JSON when given a <c>responseSchema</c>), <c>gemini-tools</c> calls tools until
    /// given their results, <c>gemini-safety</c> is blocked, <c>gemini-error</c> fails, <c>gemini-cut</c> drops the stream after its first chunk, <c>gemini-embed</c> embeds (an input of just "malformed" gets vectors that are not lists).
    /// </summary>
    private async Task GeminiAsync(HttpContext context, string target)
    {
        var body = (await JsonNode.ParseAsync(context.Request.Body))!.AsObject();
        var (model, method) = (target[..target.IndexOf(':')], target[(target.IndexOf(':') + 1)..]);
        _received.Enqueue(new ReceivedRequest(model, body, context.Request.Headers["x-goog-api-key"].ToString(), method + context.Request.QueryString.Value));
        if (model == "gemini-error")
        {
            await WriteJsonAsync(context, 500, "{\"error\":{\"code\":500,\"message\":\"Internal error encountered.\",\"status\":\"INTERNAL\"}}");
            return;
        }
        if (method == "batchEmbedContents" && body.ToJsonString().Contains("\"malformed\"", StringComparison.Ordinal))
        {
            await WriteJsonAsync(context, 200, "{\"embeddings\":[{\"values\":\"not a list\"}]}");
            return;
        }
        if (method == "batchEmbedContents")
        {
            var vectors = body["requests"]!.AsArray().Select(r =>
            {
                var size = r!["outputDimensionality"]?.GetValue<int>() ?? 3;
                return "{\"values\":[" + string.Join(",", Enumerable.Range(1, size).Select(i => (i / 8.0).ToString(System.Globalization.CultureInfo.InvariantCulture))) + "]}";
            });
            await WriteJsonAsync(context, 200, "{\"embeddings\":[" + string.Join(",", vectors) + "]}");
            return;
        }
        var answered = body["contents"]!.AsArray()[^1]!["parts"]!.AsArray().Any(p => p!["functionResponse"] is not null);
        if (model == "gemini-thinking" && GeminiThinkingRefusal(body, answered) is { } refusal)
        {
            await WriteJsonAsync(context, 400, "{\"error\":{\"code\":400,\"message\":" + JsonValue.Create(refusal).ToJsonString() + ",\"status\":\"INVALID_ARGUMENT\"}}");
            return;
        }
        var recording = model switch
        {
            "gemini-tools" when !answered => "tool",
            "gemini-thinking" when !answered => "thinking-tool",
            "gemini-safety" => "safety",
            _ when body["generationConfig"]?["responseSchema"] is JsonObject => "json",
            _ => "text",
        };
        if (method == "generateContent")
        {
            var message = await File.ReadAllTextAsync(TestData($"Gemini/{recording}-message.json"));
            await WriteJsonAsync(context, 200, model switch
            {
                "gemini-no-usage" => Without(message, m => m.Remove("usageMetadata")),
                "gemini-partial" => Without(message, m => { m["usageMetadata"]!.AsObject().Remove("candidatesTokenCount"); m["usageMetadata"]!.AsObject().Remove("thoughtsTokenCount"); }),
                _ => message,
            });
            return;
        }
        context.Response.ContentType = "text/event-stream";
        var recorded = await File.ReadAllTextAsync(TestData($"Gemini/{recording}-stream.sse"));
        foreach (var recordedEvent in recorded.Split("\r\n\r\n", StringSplitOptions.RemoveEmptyEntries))
        {
            // gemini-no-usage reports none; gemini-partial leaves usageMetadata off the last chunk, the one with the final count.
            var sseEvent = model switch
            {
                "gemini-no-usage" => WithoutInData(recordedEvent, e => e.Remove("usageMetadata")),
                "gemini-partial" when recordedEvent.Contains("finishReason", StringComparison.Ordinal) => WithoutInData(recordedEvent, e => e.Remove("usageMetadata")),
                _ => recordedEvent,
            };
            await context.Response.WriteAsync(sseEvent + "\r\n\r\n", context.RequestAborted);
            await context.Response.Body.FlushAsync(context.RequestAborted);
            // gemini-cut: the connection drops after the first chunk (its usageMetadata counts the prompt only).
            if (model == "gemini-cut")
            {
                await CutAsync(context);
                return;
            }
        }
    }

    /// <summary>Drops the connection mid-answer, as a provider's failing stream does.</summary>
    private static async Task CutAsync(HttpContext context)
    {
        // Pause first: a reset right behind the data makes the kernel drop the unread chunks.
        await Task.Delay(300, context.RequestAborted);
        context.Abort();
    }

    private static string Without(string json, Action<JsonObject> remove)
    {
        var node = JsonNode.Parse(json)!.AsObject();
        remove(node);
        return node.ToJsonString();
    }

    /// <summary>An SSE event with <paramref name="remove"/> applied to its data line's JSON.</summary>
    private static string WithoutInData(string sseEvent, Action<JsonObject> remove) => string.Join("\n", sseEvent.Split('\n').Select(line =>
        line.StartsWith("data: {", StringComparison.Ordinal) ? "data: " + Without(line[6..], remove) : line));

    public static string TestData(string relativePath) => Path.Combine(AppContext.BaseDirectory, "TestData", relativePath);

    /// <param name="completionTokens">Every output token, the <paramref name="reasoningTokens"/> among them.</param>
    public static string Usage(int completionTokens, int reasoningTokens = 0) =>
        $$$"""{"prompt_tokens":{{{PromptTokens}}},"completion_tokens":{{{completionTokens}}},"total_tokens":{{{PromptTokens + completionTokens}}},"prompt_tokens_details":{"cached_tokens":{{{CachedTokens}}},"audio_tokens":0},"completion_tokens_details":{"reasoning_tokens":{{{reasoningTokens}}},"audio_tokens":0}}""";

    private static string Completion(string model, string content, string finish, string? usage, string reasoning = "") =>
        $$"""{"id":"chatcmpl-fake","object":"chat.completion","created":1700000000,"model":"{{model}}{{UpstreamModelSuffix}}","choices":[{"index":0,"message":{"role":"assistant","content":{{JsonValue.Create(content).ToJsonString()}},{{(reasoning.Length == 0 ? "" : "\"reasoning_content\":" + JsonValue.Create(reasoning).ToJsonString() + ",")}}"refusal":null},"logprobs":null,"finish_reason":"{{finish}}"}]{{(usage is null ? "" : ",\"usage\":" + usage)}},"system_fingerprint":"fp_1"}""";

    private static string Completion(string model, JsonObject message, string finish, string usage) =>
        $$"""{"id":"chatcmpl-fake","object":"chat.completion","created":1700000000,"model":"{{model}}{{UpstreamModelSuffix}}","choices":[{"index":0,"message":{{message.ToJsonString()}},"logprobs":null,"finish_reason":"{{finish}}"}],"usage":{{usage}},"system_fingerprint":"fp_1"}""";

    private static string UsageChunk(string model, string usage) =>
        $$$"""{"id":"chatcmpl-fake","object":"chat.completion.chunk","created":1700000000,"model":"{{{model}}}{{{UpstreamModelSuffix}}}","system_fingerprint":"fp_1","choices":[],"usage":{{{usage}}}}""";

    private static string Chunk(string model, string delta, string? finish, bool usageNull)
    {
        var finishJson = finish is null ? "null" : $"\"{finish}\"";
        var usage = usageNull ? ",\"usage\":null" : "";
        return "{\"id\":\"chatcmpl-fake\",\"object\":\"chat.completion.chunk\",\"created\":1700000000,\"model\":\"" + model + UpstreamModelSuffix +
               "\",\"system_fingerprint\":\"fp_1\",\"choices\":[{\"index\":0,\"delta\":" + delta + ",\"logprobs\":null,\"finish_reason\":" + finishJson + "}]" + usage + "}";
    }

    private static async Task WriteJsonAsync(HttpContext context, int status, string json)
    {
        context.Response.StatusCode = status;
        context.Response.ContentType = "application/json";
        await context.Response.WriteAsync(json, Encoding.UTF8, context.RequestAborted);
    }

    private static async Task WriteEventAsync(HttpContext context, string data)
    {
        await context.Response.WriteAsync($"data: {data}\n\n", context.RequestAborted);
        await context.Response.Body.FlushAsync(context.RequestAborted);
    }
}
