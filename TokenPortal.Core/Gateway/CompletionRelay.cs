using System.Buffers;
using System.Text;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;
using TokenPortal.Core.Billing;
using TokenPortal.Core.Protocol.OpenAI;

namespace TokenPortal.Core.Gateway;

/// <summary>Relays a complete (non-streaming) answer: read it, settle its usage, then send it with the model id and cost filled in.</summary>
public sealed partial class CompletionRelay(RequestBilling billing, TokenCounter tokens, ILogger<CompletionRelay> logger)
{
    public async Task<GatewayError?> RelayAsync(RelayContext relay)
    {
        PooledBuffer body;
        try
        {
            body = await UpstreamBody.ReadAsync(relay.Response, relay.Activity);
        }
        catch (Exception ex) when (ex is IOException or HttpRequestException or OperationCanceledException or InvalidDataException)
        {
            LogReadFailed(logger, ex, relay.Call.RequestId);
            await billing.ReleaseAsync(relay.Reservation);
            return relay.Activity.Expired
                ? GatewayError.Upstream($"The provider went silent for more than {relay.Upstream.Model.Provider.Timeout.TotalSeconds:0} seconds.")
                : GatewayError.Upstream("The provider's reply was cut off.");
        }

        // The translation may be the reply itself: the buffer goes back to the pool only once the answer is written.
        using var reply = body;
        var translated = TranslateOrNull(relay, body.Memory);
        var generated = new StringBuilder();
        var scan = translated is { } openAI ? OpenAIPayloadScanner.Scan(openAI.Span, generated) : PayloadScan.Invalid;
        if (!scan.IsValid || scan.Error is not null || scan.Choices < 0)
        {
            await billing.ReleaseAsync(relay.Reservation);
            return GatewayError.Upstream(scan.Error is { } message
                ? $"The provider reported an error: {message}"
                : "The provider returned an invalid response.");
        }

        var metered = UsageMeter.Complete(scan, relay.Upstream, tokens, generated);
        var charged = await billing.ChargeAsync(relay, metered);

        var json = translated!.Value;
        var usageJson = UsageJsonWriter.Write(metered.Usage, charged, scan.UsageValue is { } range ? json.Span[range] : default);
        var response = relay.Http.Response;
        response.StatusCode = StatusCodes.Status200OK;
        response.ContentType = "application/json";
        using var completion = new PooledBuffer(json.Length + usageJson.Length + 64);
        PayloadSplicer.Write(json.Span, scan, relay.Upstream.Model.IdJson, usageJson, completion);
        using var output = new PooledBuffer(completion.Length + 256);
        try
        {
            relay.Dialect.WriteCompletion(completion.Span, output);
        }
        catch (Exception ex) when (Providers.OpenAIRequestParts.IsSchemaFault(ex))
        {
            // Already charged for what was generated; the client gets the provider's fault, not ours.
            LogReadFailed(logger, ex, relay.Call.RequestId);
            return GatewayError.Upstream("The provider's answer could not be put in the client's format.");
        }
        response.BodyWriter.Write(output.Span);
        await response.BodyWriter.FlushAsync(CancellationToken.None);
        return null;
    }


    /// <summary>The provider's answer in OpenAI's shape; null when it has a shape the adapter cannot read.</summary>
    private static ReadOnlyMemory<byte>? TranslateOrNull(RelayContext relay, ReadOnlyMemory<byte> body)
    {
        try
        {
            return relay.Adapter.TranslateChatResponse(body, relay.Upstream);
        }
        catch (Exception ex) when (Providers.OpenAIRequestParts.IsSchemaFault(ex))
        {
            return null;
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Reading the provider's reply to request {RequestId} failed.")]
    private static partial void LogReadFailed(ILogger logger, Exception exception, string requestId);
}
