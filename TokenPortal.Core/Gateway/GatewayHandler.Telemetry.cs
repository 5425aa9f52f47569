using System.Diagnostics;
using TokenPortal.Core.Catalog;
using TokenPortal.Core.Telemetry;

namespace TokenPortal.Core.Gateway;

/// <summary>What a request and its attempts tell metrics and traces.</summary>
public sealed partial class GatewayHandler
{
    /// <summary>Counts the request under its endpoint, model (a catalog id, never a caller's invention), provider and status class, and closes its span.</summary>
    private void Observe(GatewayCall call, IGatewayEndpoint endpoint, Activity? span)
    {
        var end = clock.GetTimestamp();
        var model = call.Model.Length > 0 && catalog.Find(call.Model) is { } listed ? listed.Id : TokenPortalMetrics.Unlisted;
        metrics.RequestEnded(endpoint.Name, model, call, clock.GetElapsedTime(call.StartTimestamp, end),
            call.FirstTokenTimestamp is { } first ? clock.GetElapsedTime(call.StartTimestamp, first) : null);
        if (span is null)
            return;
        span.SetTag(TokenPortalTracing.Model, model);
        span.SetTag(TokenPortalTracing.Provider, call.Provider.Length > 0 ? call.Provider : null);
        span.SetTag(TokenPortalTracing.Status, call.Status);
        span.SetTag(TokenPortalTracing.Attempts, call.Attempts);
        span.SetTag(TokenPortalTracing.InputTokens, call.Usage.PromptTokens);
        span.SetTag(TokenPortalTracing.OutputTokens, call.Usage.CompletionTokens);
        span.SetTag(TokenPortalTracing.Cost, call.ChargedMicros);
        if (call.ErrorCode is { } code)
        {
            span.SetTag(TokenPortalTracing.ErrorType, code);
            span.SetStatus(ActivityStatusCode.Error, code);
        }
    }

    private static Activity? StartRequestSpan(IGatewayEndpoint endpoint, GatewayCall call)
    {
        var span = TokenPortalTracing.Source.StartActivity(endpoint.Name);
        span?.SetTag(TokenPortalTracing.RequestId, call.RequestId);
        return span;
    }

    private static Activity? StartAttemptSpan(GatewayCall call, CatalogModel model, CatalogChannel channel)
    {
        if (!TokenPortalTracing.Source.HasListeners() || TokenPortalTracing.Source.StartActivity("attempt " + channel.Provider.Name) is not { } span)
            return null;
        span.SetTag(TokenPortalTracing.RequestId, call.RequestId);
        span.SetTag(TokenPortalTracing.Model, model.Id);
        span.SetTag(TokenPortalTracing.Provider, channel.Provider.Name);
        span.SetTag(TokenPortalTracing.UpstreamModel, channel.UpstreamModel);
        span.SetTag(TokenPortalTracing.Channel, channel.Id);
        return span;
    }

    /// <summary>An attempt that failed: counted by class, and marked on its span with the provider's status where there was one.</summary>
    private void AttemptFailed(Activity? span, CatalogModel model, CatalogChannel channel, UpstreamFailure failure)
    {
        metrics.UpstreamFailed(channel.Provider.Name, model.Id, failure.Kind);
        if (span is null)
            return;
        var kind = TokenPortalMetrics.ClassOf(failure.Kind);
        if (failure.Status is { } status)
            span.SetTag(TokenPortalTracing.Status, status);
        span.SetTag(TokenPortalTracing.ErrorType, kind);
        span.SetStatus(ActivityStatusCode.Error, kind);
    }

    /// <summary>The attempt that served: what it was charged for.</summary>
    private static void AttemptServed(Activity? span, int status, RequestReservation reservation)
    {
        if (span is null)
            return;
        span.SetTag(TokenPortalTracing.Status, status);
        if (reservation.Metered is { } metered)
        {
            span.SetTag(TokenPortalTracing.InputTokens, metered.Usage.PromptTokens);
            span.SetTag(TokenPortalTracing.OutputTokens, metered.Usage.CompletionTokens);
            span.SetTag(TokenPortalTracing.Cost, reservation.ChargedMicros);
        }
    }
}
