using System.Buffers;
using System.Text;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;
using TokenPortal.Core.Billing;
using TokenPortal.Core.Configuration;
using TokenPortal.Core.Protocol.OpenAI;

namespace TokenPortal.Core.Gateway;

/// <summary>
/// Relays a complete (non-streamed) answer, chat or embeddings: read it, charge its usage, then send it with the model id
/// and cost filled in. Nothing reaches the client before the whole reply was read and understood, so any failure
/// here leaves the request free to try another channel.
/// </summary>
public sealed partial class WholeReplyRelay(TokenCounter tokens, ILogger<WholeReplyRelay> logger)
{
    public async Task<RelayOutcome> RelayAsync(RelayContext relay)
    {
        PooledBuffer body;
        try
        {
            body = await UpstreamBody.ReadAsync(relay.Response, relay.Activity);
        }
        catch (Exception ex) when (ex is IOException or HttpRequestException or OperationCanceledException or InvalidDataException)
        {
            LogReadFailed(logger, ex, relay.RequestId);
            return RelayOutcome.Failed(relay.ReadFailure("reply"));
        }

        // The translation may be the reply itself: the buffer goes back to the pool only once the answer is written.
        using var reply = body;
        var embeddings = relay.Upstream.Model.Kind == ModelKind.Embedding;
        var translated = TranslateOrNull(relay, body.Memory, embeddings);
        var generated = embeddings ? null : new StringBuilder();
        var scan = translated is { } openAI ? OpenAIPayloadScanner.Scan(openAI.Span, generated) : PayloadScan.Invalid;
        if (!scan.IsValid || scan.Error is not null || (!embeddings && scan.Choices < 0))
        {
            return RelayOutcome.Failed(scan.Error is { } message
                ? UpstreamFailure.InvalidReply($"The provider reported an error: {message}")
                : UpstreamFailure.InvalidReply("The provider returned an invalid response."));
        }

        var metered = embeddings ? UsageMeter.Prompt(scan, relay.Upstream) : UsageMeter.Complete(scan, relay.Upstream, tokens, generated!);
        var json = translated!.Value;
        using var completion = new PooledBuffer(json.Length + 512);
        using var output = new PooledBuffer(json.Length + 768);
        var charged = await relay.Reservation.ChargeAsync(relay.Upstream.Model.Price, metered);
        var usageJson = UsageJsonWriter.Write(metered.Usage, charged, scan.UsageValue is { } range ? json.Span[range] : default);
        PayloadSplicer.Write(json.Span, scan, relay.Upstream.Model.IdJson, usageJson, completion);
        try
        {
            relay.Dialect.WriteCompletion(completion.Span, output);
        }
        catch (Exception ex) when (Providers.OpenAIRequestParts.IsSchemaFault(ex))
        {
            // Already charged for what was generated (so no other channel tries): the client gets the provider's fault.
            LogReadFailed(logger, ex, relay.RequestId);
            return RelayOutcome.Failed(UpstreamFailure.InvalidReply("The provider's answer could not be put in the client's format."));
        }

        var response = relay.Http.Response;
        response.StatusCode = StatusCodes.Status200OK;
        response.ContentType = "application/json";
        response.BodyWriter.Write(output.Span);
        await response.BodyWriter.FlushAsync(CancellationToken.None);
        return RelayOutcome.WholeReplyDelivered(scan.FinishReason);
    }

    /// <summary>The provider's answer in OpenAI's shape; null when it has a shape the adapter cannot read.</summary>
    private static ReadOnlyMemory<byte>? TranslateOrNull(RelayContext relay, ReadOnlyMemory<byte> body, bool embeddings)
    {
        try
        {
            return embeddings
                ? relay.Adapter.TranslateEmbeddingsResponse(body, relay.Upstream)
                : relay.Adapter.TranslateChatResponse(body, relay.Upstream);
        }
        catch (Exception ex) when (Providers.OpenAIRequestParts.IsSchemaFault(ex))
        {
            return null;
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Reading the provider's reply to request {RequestId} failed.")]
    private static partial void LogReadFailed(ILogger logger, Exception exception, string requestId);
}
