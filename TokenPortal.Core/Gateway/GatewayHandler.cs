using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using TokenPortal.Core.Catalog;
using TokenPortal.Core.Configuration;
using TokenPortal.Core.Keys;
using TokenPortal.Core.Metering;
using TokenPortal.Core.Providers;
using TokenPortal.Core.RateLimiting;
using TokenPortal.Core.Routing;
using TokenPortal.Core.Telemetry;

namespace TokenPortal.Core.Gateway;

/// <summary>
/// The request path every model endpoint shares, top to bottom: read and check the request, find the
/// model, admit it against the limits, reserve, call the provider, relay the answer, settle, log.
/// What differs per endpoint comes from its <see cref="IGatewayEndpoint"/>.
/// </summary>
public sealed partial class GatewayHandler(
    IModelCatalog catalog,
    RequestBilling billing,
    IProviderAdapters adapters,
    ChannelRouter router,
    RoutingHealth routingHealth,
    UpstreamClient upstream,
    WholeReplyRelay wholeReplies,
    StreamRelay streams,
    UsageLimits limits,
    UpstreamThrottle throttle,
    IRequestLogSink requestLog,
    TokenCounter tokens,
    SafetyIdentifiers safetyIdentifiers,
    IOptionsMonitor<TokenPortalOptions> options,
    TokenPortalMetrics metrics,
    TimeProvider clock,
    ILogger<GatewayHandler> logger)
{
    public async Task HandleAsync(HttpContext context, AuthenticatedKey key, IGatewayEndpoint endpoint)
    {
        var call = new GatewayCall(context.TraceIdentifier, key, clock.GetTimestamp());
        using var span = StartRequestSpan(endpoint, call);
        try
        {
            var error = await HandleCoreAsync(context, call, endpoint);
            if (error is not null)
            {
                call.Fail(error);
                await endpoint.Dialect.WriteErrorAsync(context, error);
            }
        }
        catch (LimitsUnavailableException)
        {
            // Redis is away and the site refuses to serve unlimited (Redis:WhenDown=Refuse); the connection logs the outage once.
            var error = GatewayError.RateLimitUnavailable();
            call.Fail(error);
            await endpoint.Dialect.WriteErrorAsync(context, error);
        }
        catch (OperationCanceledException) when (context.RequestAborted.IsCancellationRequested)
        {
            call.ClientGone();
            LogClientAborted(logger, call.RequestId);
        }
        catch (Exception ex) when (RecordUnexpected(call, ex))
        {
            // Never reached: the filter only records; the pipeline answers (GatewayRequestPipeline).
        }
        finally
        {
            if (call.BodyRead)
                requestLog.Write(call.ToRecord(clock), call.Settlement);
            Observe(call, endpoint, span);
        }
    }

    private async Task<GatewayError?> HandleCoreAsync(HttpContext context, GatewayCall call, IGatewayEndpoint endpoint)
    {
        // Admission before work: a caller over its in-flight or request limit is refused before a byte of its body is read.
        var admission = await limits.AdmitAsync(call.Key);
        admission.WriteHeaders(context.Response.Headers);
        if (admission.Error is not null)
            return admission.Error;
        try
        {
            return await ReadAndCallAsync(context, call, endpoint, admission);
        }
        finally
        {
            await admission.CompleteAsync(call.Usage.TotalTokens, call.Forwarded);
        }
    }

    private async Task<GatewayError?> ReadAndCallAsync(HttpContext context, GatewayCall call, IGatewayEndpoint endpoint, Admission admission)
    {
        var settings = options.CurrentValue;
        using var body = await RequestBodyReader.ReadAsync(context.Request, settings.MaxRequestBodyBytes,
            TimeSpan.FromSeconds(settings.Server.RequestBodyTimeoutSeconds), context.RequestAborted);
        if (body.Error is not null)
        {
            // The rest of the body is unread: the connection cannot carry another request.
            context.Response.Headers.Connection = "close";
            return body.Error;
        }

        call.BodyRead = true;
        // JSON readers check structure, not the text inside strings: invalid UTF-8 would otherwise reach the provider.
        if (!System.Text.Unicode.Utf8.IsValid(body.Memory.Span))
            return GatewayError.InvalidRequest("The request body is not valid UTF-8.");
        var parsed = endpoint.Parse(body.Memory, tokens);
        if (parsed.Error is not null)
            return parsed.Error;
        var request = parsed.Info!;
        // The log keeps the name asked for; no model's id is longer, so a longer one is refused unrecorded.
        if (request.TooLongModelName() is { } tooLong)
            return tooLong;
        call.Asked(request.Model);

        var candidates = new List<CatalogModel>(1 + (request.FallbackModels?.Count ?? 0));
        foreach (var name in request.FallbackModels is { } fallbacks ? fallbacks.Prepend(request.Model) : [request.Model])
        {
            var param = name == request.Model ? "model" : "models";
            var model = catalog.Find(name);
            if (model is null)
                return GatewayError.ModelNotFound(name) with { Param = param };
            if (model.Kind != endpoint.ModelKind)
                return GatewayError.InvalidRequest(model.Kind == ModelKind.Embedding
                    ? $"The model '{model.Id}' is an embedding model; use POST /v1/embeddings."
                    : $"The model '{model.Id}' is a chat model; use POST /v1/chat/completions.", param);
            if (call.Key.AllowedModels is { } allowed && !allowed.Contains(model.Id))
                return GatewayError.ModelNotAllowed(model.Id) with { Param = param };
            if (request.PricedParameters?.FirstOrDefault(p => !model.AllowedParameters.Contains(p)) is { } priced)
                return GatewayError.InvalidRequest(
                    $"'{priced}' changes what the provider charges beyond the model's token prices, and the model '{model.Id}' is not priced for it here.", priced);
            if (!candidates.Contains(model))
                candidates.Add(model);
        }

        call.Attempting(candidates[0], candidates[0].Channels[0], counts: false);
        call.Stream = request.Stream;

        var mostTokens = 0L;
        foreach (var candidate in candidates)
            mostTokens = Math.Max(mostTokens, RequestBilling.MostTokens(candidate, request));
        var tokensRefused = await admission.TakeTokensAsync(mostTokens);
        admission.WriteHeaders(context.Response.Headers);
        if (tokensRefused is not null)
            return tokensRefused;
        return await ReserveAndRouteAsync(context, call, endpoint, candidates, request, parsed.Body);
    }

    private async Task<GatewayError?> ReserveAndRouteAsync(HttpContext context, GatewayCall call, IGatewayEndpoint endpoint,
        IReadOnlyList<CatalogModel> candidates, RequestInfo request, ReadOnlyMemory<byte> body)
    {
        // Not the client's token: a reservation committed just as the client left must still be closed by us.
        var plan = await billing.ReserveAsync(call.Key, call.RequestId, candidates, request, CancellationToken.None);
        if (plan.Error is not null)
            return plan.Error;
        var reservation = new RequestReservation(billing, plan.Reservation!);
        metrics.ReservationOpened();
        try
        {
            return await RouteAsync(context, call, endpoint, candidates, new UpstreamRequest(request, body), reservation);
        }
        finally
        {
            // The one place a request's money is given back: whatever happened, unless a relay charged it.
            metrics.ReservationClosed();
            await reservation.ReleaseUnlessChargedAsync();
            call.Record(reservation);
        }
    }

    /// <summary>
    /// Our own failure, which the pipeline answers with 500 (503 for the database): the log row says so rather than the
    /// 200 a call starts as. Returns false, so the exception goes on, past the finally that writes the row.
    /// </summary>
    private static bool RecordUnexpected(GatewayCall call, Exception ex)
    {
        call.Fail(RequestBilling.IsDatabaseFailure(ex) ? GatewayError.Unavailable() : GatewayError.Internal());
        return false;
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Request {RequestId}: provider {Provider} answered HTTP {Status}: {ProviderMessage}")]
    private static partial void LogUpstreamStatus(ILogger logger, string requestId, string provider, int status, string providerMessage);

    [LoggerMessage(Level = LogLevel.Debug, Message = "Request {RequestId} was abandoned by the client.")]
    private static partial void LogClientAborted(ILogger logger, string requestId);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Request {RequestId} failed to reach provider {Provider}.")]
    private static partial void LogUpstreamFailed(ILogger logger, Exception exception, string requestId, string provider);
}
