using Microsoft.AspNetCore.Http;
using TokenPortal.Core.Billing;
using TokenPortal.Core.Protocol.OpenAI;

namespace TokenPortal.Core.Gateway;

/// <summary>Relays an embeddings answer: billed on its prompt tokens, sent with the model id and cost filled in.</summary>
public sealed class EmbeddingsRelay(RequestBilling billing)
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
            await billing.ReleaseAsync(relay.Reservation);
            return GatewayError.Upstream("The provider's reply was cut off or too slow.");
        }

        // The translation may be the reply itself: the buffer goes back to the pool only once the answer is written.
        using var reply = body;
        ReadOnlyMemory<byte>? translated;
        try
        {
            translated = relay.Adapter.TranslateEmbeddingsResponse(body.Memory, relay.Upstream);
        }
        catch (Exception ex) when (Providers.OpenAIRequestParts.IsSchemaFault(ex))
        {
            translated = null; // a reply in a shape the adapter cannot read is the provider's fault: 502, not 500
        }
        var scan = translated is { } json ? OpenAIPayloadScanner.Scan(json.Span, null) : PayloadScan.Invalid;
        if (!scan.IsValid || scan.Error is not null)
        {
            await billing.ReleaseAsync(relay.Reservation);
            return GatewayError.Upstream(scan.Error is { } message ? $"The provider reported an error: {message}" : "The provider returned an invalid response.");
        }

        // Embeddings generate nothing: only the prompt count can be missing.
        var metered = scan.Usage is { } reported && scan.UsageParts.HasFlag(UsageParts.Prompt)
            ? new MeteredUsage(reported with { CompletionTokens = 0 }, UsageParts.Both)
            : new MeteredUsage(new TokenUsage(relay.Upstream.Request.EstimatedInputTokens, 0, 0), UsageParts.Completion);
        var charged = await billing.ChargeAsync(relay, metered);

        var usageJson = UsageJsonWriter.Write(metered.Usage, charged, scan.UsageValue is { } range ? translated!.Value.Span[range] : default);
        var response = relay.Http.Response;
        response.StatusCode = StatusCodes.Status200OK;
        response.ContentType = "application/json";
        PayloadSplicer.Write(translated!.Value.Span, scan, relay.Upstream.Model.IdJson, usageJson, response.BodyWriter);
        await response.BodyWriter.FlushAsync(CancellationToken.None);
        return null;
    }
}
