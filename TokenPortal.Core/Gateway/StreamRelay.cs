using System.Buffers;
using System.Globalization;
using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.Logging;
using TokenPortal.Core.Billing;
using TokenPortal.Core.Gateway.Dialects;
using TokenPortal.Core.Gateway.Sse;
using TokenPortal.Core.Protocol.OpenAI;
using TokenPortal.Core.Protocol;

namespace TokenPortal.Core.Gateway;

/// <summary>
/// Relays a streamed answer event by event, flushing each as it arrives. The usage chunk we always
/// ask for is held back and sent last, after settlement, with the cost (or dropped when the client
/// did not ask for it). Whatever happens after the first byte, the request is billed for what the
/// provider generated: a client that hangs up does not stop the reading (the provider's idle timeout
/// bounds it), so the provider's own count arrives; a stream that breaks is billed what was counted.
/// </summary>
public sealed partial class StreamRelay(
    TokenCounter tokens,
    TimeProvider clock,
    ILogger<StreamRelay> logger)
{
    public async Task<RelayOutcome> RelayAsync(RelayContext relay)
    {
        var http = relay.Http;
        var state = new StreamState(relay.Adapter.CreateStreamTranslator(relay.Upstream), relay.Dialect.CreateStreamEncoder());

        try
        {
            await using var upstream = await relay.Response.Content.ReadAsStreamAsync(relay.Activity.Token);
            await foreach (var upstreamEvent in SseReader.ReadAsync(upstream, relay.Activity))
            {
                var more = ProcessEvent(relay, state, upstreamEvent);
                if (state.PendingFlush)
                {
                    state.PendingFlush = false;
                    // A failed write may tell before RequestAborted does; either way the provider is read to its end.
                    if (!await FlushAsync(http))
                        state.ClientGone = true;
                }
                if (!more || state.Failure is not null)
                    break;
            }
        }
        catch (Exception ex) when (ex is IOException or HttpRequestException or OperationCanceledException)
        {
            state.ClientGone |= http.RequestAborted.IsCancellationRequested;
            if (!state.ClientGone)
            {
                LogStreamBroken(logger, ex, relay.RequestId);
                state.Failure = relay.ReadFailure("stream");
            }
        }

        state.ClientGone |= http.RequestAborted.IsCancellationRequested;
        if (state.Failure is null && !state.Completed)
        {
            // Streams without a closing event (Gemini's) are complete when the provider says they finished.
            state.Chunks.Clear();
            if (state.Translator.TryFinish(state.Chunks))
            {
                state.Completed = true;
                ProcessChunks(relay, state);
            }
        }
        if (state.Failure is null && !state.Completed && !state.ClientGone)
            state.Failure = UpstreamFailure.Broken("The provider's stream ended before it was complete.");
        return state.Failure is not null
            ? await FailAsync(relay, state, state.Failure)
            : await FinishAsync(relay, state);
    }

    /// <summary>Translates one upstream event and writes what the client should see; false once the stream is complete.</summary>
    private bool ProcessEvent(RelayContext relay, StreamState state, SseEvent upstreamEvent)
    {
        state.Chunks.Clear();
        bool more;
        try
        {
            more = state.Translator.Translate(upstreamEvent, state.Chunks);
            state.Completed |= !more;
            ProcessChunks(relay, state);
        }
        catch (Exception ex) when (Providers.OpenAIRequestParts.IsSchemaFault(ex))
        {
            // Data of a shape the translator or the client's encoder cannot read is the provider's fault.
            state.Failure = UpstreamFailure.InvalidReply("The provider sent stream data of an unexpected shape.");
            return false;
        }
        return more;
    }

    private void ProcessChunks(RelayContext relay, StreamState state)
    {
        foreach (var chunk in state.Chunks)
        {
            var scan = OpenAIPayloadScanner.Scan(chunk.Span, state.Generated);
            if (!scan.IsValid || scan.Error is not null)
            {
                state.Failure = scan.Error is { } message
                    ? UpstreamFailure.InvalidReply($"The provider reported an error: {message}")
                    : UpstreamFailure.InvalidReply("The provider sent invalid stream data.");
                return;
            }
            // Said once, in the last chunk of choice 0 (Anthropic's message_delta and Gemini's last candidate, translated).
            state.FinishReason = scan.FinishReason ?? state.FinishReason;
            if (scan.Usage is not null)
            {
                state.UsageScan = scan;
                if (scan.Choices <= 0)
                {
                    // The usage-only chunk: sent last, after settlement, with the cost.
                    state.UsageChunk = chunk.ToArray();
                    state.UsageChunkScan = scan;
                    continue;
                }
            }
            if (!state.ClientGone)
                WriteChunk(relay, state, chunk.Span, scan);
        }
    }

    private void WriteChunk(RelayContext relay, StreamState state, ReadOnlySpan<byte> chunk, in PayloadScan scan)
    {
        var modelJson = relay.Upstream.Model.IdJson;
        var renameModel = scan.ModelValue is { } model && !chunk[model].SequenceEqual(modelJson);
        var payload = chunk;
        if (renameModel || scan.Usage is not null)
        {
            state.Scratch.ResetWrittenCount();
            PayloadSplicer.Write(chunk, scan, renameModel ? modelJson : default, scan.Usage is not null ? "null"u8 : default, state.Scratch);
            payload = state.Scratch.WrittenSpan;
        }
        StartIfNeeded(relay.Http, state);
        state.Encoder.WriteChunk(payload, relay.Http.Response.BodyWriter);
        state.FirstByteTimestamp ??= clock.GetTimestamp();
        state.PendingFlush = true;
    }

    private async Task<RelayOutcome> FinishAsync(RelayContext relay, StreamState state)
    {
        var http = relay.Http;
        var metered = Meter(relay, state);
        if (state.ClientGone)
            LogClientLeft(logger, relay.RequestId, !metered.Estimated);
        var charged = await relay.Reservation.ChargeAsync(relay.Upstream.Model.Price, metered);
        if (state.ClientGone)
            return state.Outcome(null);

        StartIfNeeded(http, state);
        if (relay.Upstream.Request.IncludeUsage)
            WriteUsageChunk(relay, state, metered.Usage, charged);
        state.Encoder.WriteEnd(http.Response.BodyWriter);
        await FlushAsync(http);
        return state.Outcome(null);
    }

    /// <summary>
    /// The provider failed. Before the first byte nothing is charged and the failure goes back to the handler, which may
    /// try another channel; after it the client gets an SSE error event and the request is billed for what was generated
    /// (the provider billed it too).
    /// </summary>
    private async Task<RelayOutcome> FailAsync(RelayContext relay, StreamState state, UpstreamFailure failure)
    {
        if (!state.Started)
            return state.Outcome(failure);

        await relay.Reservation.ChargeAsync(relay.Upstream.Model.Price, Meter(relay, state));
        if (!state.ClientGone)
        {
            state.Encoder.WriteError(failure.Error, relay.Http.Response.BodyWriter);
            await FlushAsync(relay.Http);
        }
        return state.Outcome(failure);
    }

    /// <summary>The provider's usage, completed by local counts where it reported none or only part (its stream ended early).</summary>
    private MeteredUsage Meter(RelayContext relay, StreamState state)
    {
        if (state.UsageScan is null)
        {
            // What the translator has seen of the usage (Anthropic's message_start, Gemini's earlier chunks), if anything.
            state.Chunks.Clear();
            state.Translator.WriteKnownUsage(state.Chunks);
            foreach (var chunk in state.Chunks)
            {
                var scan = OpenAIPayloadScanner.Scan(chunk.Span, null);
                if (scan.Usage is not null)
                    state.UsageScan = scan;
            }
        }
        return UsageMeter.Complete(state.UsageScan ?? default, relay.Upstream, tokens, state.Generated);
    }

    private void WriteUsageChunk(RelayContext relay, StreamState state, TokenUsage usage, long charged)
    {
        var upstreamUsage = state.UsageChunk is { } held && state.UsageChunkScan.UsageValue is { } range ? held.AsSpan()[range] : default;
        var usageJson = UsageJsonWriter.Write(usage, charged, upstreamUsage);
        state.Scratch.ResetWrittenCount();
        if (state.UsageChunk is { } chunk)
        {
            PayloadSplicer.Write(chunk, state.UsageChunkScan, relay.Upstream.Model.IdJson, usageJson, state.Scratch);
        }
        else
        {
            using var writer = new Utf8JsonWriter(state.Scratch, JsonWriting.Options);
            writer.WriteStartObject();
            writer.WriteString("id", "chatcmpl-" + relay.RequestId);
            writer.WriteString("object", "chat.completion.chunk");
            writer.WriteNumber("created", clock.GetUtcNow().ToUnixTimeSeconds());
            writer.WriteString("model", relay.Upstream.Model.Id);
            writer.WriteStartArray("choices");
            writer.WriteEndArray();
            writer.WritePropertyName("usage");
            writer.WriteRawValue(usageJson, skipInputValidation: true);
            writer.WriteEndObject();
        }
        state.Encoder.WriteChunk(state.Scratch.WrittenSpan, relay.Http.Response.BodyWriter);
    }

    private static void StartIfNeeded(HttpContext http, StreamState state)
    {
        if (state.Started)
            return;
        state.Started = true;
        var response = http.Response;
        response.StatusCode = StatusCodes.Status200OK;
        response.ContentType = "text/event-stream; charset=utf-8";
        response.Headers.CacheControl = "no-cache";
        response.Headers["X-Accel-Buffering"] = "no";
        http.Features.Get<IHttpResponseBodyFeature>()?.DisableBuffering();
    }

    /// <summary>False when the client is gone.</summary>
    private static async ValueTask<bool> FlushAsync(HttpContext http)
    {
        try
        {
            var result = await http.Response.BodyWriter.FlushAsync(http.RequestAborted);
            return !result.IsCanceled && !result.IsCompleted && !http.RequestAborted.IsCancellationRequested;
        }
        catch (Exception ex) when (ex is OperationCanceledException or IOException)
        {
            return false;
        }
    }

    private sealed class StreamState(Providers.IChatStreamTranslator translator, IStreamEncoder encoder)
    {
        public Providers.IChatStreamTranslator Translator { get; } = translator;
        public IStreamEncoder Encoder { get; } = encoder;
        public List<ReadOnlyMemory<byte>> Chunks { get; } = new(4);
        public ArrayBufferWriter<byte> Scratch { get; } = new(1024);
        public StringBuilder Generated { get; } = new();
        public PayloadScan? UsageScan { get; set; }
        public byte[]? UsageChunk { get; set; }
        public PayloadScan UsageChunkScan { get; set; }
        public bool Started { get; set; }
        public bool Completed { get; set; }
        public bool ClientGone { get; set; }
        public bool PendingFlush { get; set; }
        public UpstreamFailure? Failure { get; set; }
        public long? FirstByteTimestamp { get; set; }
        public string? FinishReason { get; set; }

        public RelayOutcome Outcome(UpstreamFailure? failure) => new(failure, Started, ClientGone, FirstByteTimestamp, FinishReason);
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "The provider's stream for request {RequestId} broke.")]
    private static partial void LogStreamBroken(ILogger logger, Exception exception, string requestId);

    [LoggerMessage(Level = LogLevel.Debug, Message = "The client of request {RequestId} left mid-stream; billing the provider's output (provider usage known: {UsageKnown}).")]
    private static partial void LogClientLeft(ILogger logger, string requestId, bool usageKnown);
}
