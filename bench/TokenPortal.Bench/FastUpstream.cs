using System.Net;
using System.Text;

namespace TokenPortal.Bench;

/// <summary>
/// The fastest OpenAI-compatible server we can make: canned bytes, no parsing beyond the model name.
/// <c>bench-fast</c> answers at once; <c>bench-stream</c> streams 20 chunks 50 ms apart; <c>bench-long</c> 200;
/// <c>bench-flaky</c> answers every other request with a 503 (a channel failing half its requests).
/// </summary>
internal sealed class FastUpstream : IAsyncDisposable
{
    public const int PromptTokens = 10;
    public const int CompletionTokens = 5;
    public static readonly TimeSpan ChunkGap = TimeSpan.FromMilliseconds(50);

    private static readonly byte[] Completion = Encoding.UTF8.GetBytes(
        $$$"""{"id":"chatcmpl-b","object":"chat.completion","created":1700000000,"model":"bench-fast","choices":[{"index":0,"message":{"role":"assistant","content":"Hello there, friend."},"finish_reason":"stop"}],"usage":{"prompt_tokens":{{{PromptTokens}}},"completion_tokens":{{{CompletionTokens}}},"total_tokens":{{{PromptTokens + CompletionTokens}}}}}""");

    private static readonly byte[] Message = Encoding.UTF8.GetBytes(
        $$$"""{"id":"msg_bench","type":"message","role":"assistant","model":"bench-converted","content":[{"type":"text","text":"Hello there, friend."}],"stop_reason":"end_turn","stop_sequence":null,"usage":{"input_tokens":{{{PromptTokens}}},"output_tokens":{{{CompletionTokens}}}}}""");
    private static readonly byte[] Chunk = Encoding.UTF8.GetBytes(
        """data: {"id":"chatcmpl-b","object":"chat.completion.chunk","created":1700000000,"model":"bench-stream","choices":[{"index":0,"delta":{"content":" word"},"finish_reason":null}]}""" + "\n\n");
    private static readonly byte[] End = Encoding.UTF8.GetBytes(
        $$$"""data: {"id":"chatcmpl-b","object":"chat.completion.chunk","created":1700000000,"model":"bench-stream","choices":[],"usage":{"prompt_tokens":{{{PromptTokens}}},"completion_tokens":{{{CompletionTokens}}},"total_tokens":{{{PromptTokens + CompletionTokens}}}}}""" + "\n\ndata: [DONE]\n\n");

    private static readonly byte[] Overloaded = Encoding.UTF8.GetBytes("""{"error":{"message":"Overloaded.","type":"server_error","code":null}}""");

    private static long _flakyRequests;

    /// <summary>Requests <c>bench-flaky</c> answered with a 503.</summary>
    public static long FlakyFailures => Interlocked.Read(ref _flakyRequests) / 2;

    private readonly WebApplication _app;

    private FastUpstream(WebApplication app, Uri baseUrl)
    {
        _app = app;
        BaseUrl = baseUrl;
    }

    public Uri BaseUrl { get; }

    public static async Task<FastUpstream> StartAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseKestrel(k => k.Listen(IPAddress.Loopback, 0));
        builder.Logging.ClearProviders();
        var app = builder.Build();
        app.MapPost("/v1/chat/completions", HandleAsync);
        app.MapPost("/v1/messages", AnthropicAsync);
        await app.StartAsync();
        return new FastUpstream(app, new Uri(app.Urls.First().TrimEnd('/') + "/v1/"));
    }

    private static async Task HandleAsync(HttpContext context)
    {
        using var reader = new StreamReader(context.Request.Body);
        var body = await reader.ReadToEndAsync();
        if (body.Contains("bench-flaky", StringComparison.Ordinal) && Interlocked.Increment(ref _flakyRequests) % 2 == 1)
        {
            context.Response.StatusCode = StatusCodes.Status503ServiceUnavailable;
            context.Response.ContentType = "application/json";
            await context.Response.Body.WriteAsync(Overloaded);
            return;
        }
        var chunks = body.Contains("bench-long", StringComparison.Ordinal) ? 200 : body.Contains("bench-stream", StringComparison.Ordinal) ? 20 : 0;
        if (chunks == 0)
        {
            context.Response.ContentType = "application/json";
            await context.Response.Body.WriteAsync(Completion);
            return;
        }
        context.Response.ContentType = "text/event-stream";
        for (var i = 0; i < chunks; i++)
        {
            await context.Response.Body.WriteAsync(Chunk, context.RequestAborted);
            await context.Response.Body.FlushAsync(context.RequestAborted);
            await Task.Delay(ChunkGap, context.RequestAborted);
        }
        await context.Response.Body.WriteAsync(End, context.RequestAborted);
    }

    /// <summary>Anthropic's answer to the same prompt: the converted path (OpenAI's API in front, Anthropic's behind).</summary>
    private static async Task AnthropicAsync(HttpContext context)
    {
        await context.Request.Body.CopyToAsync(Stream.Null);
        context.Response.ContentType = "application/json";
        await context.Response.Body.WriteAsync(Message);
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }
}
