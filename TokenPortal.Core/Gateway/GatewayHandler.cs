using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using TokenPortal.Core.Billing;
using TokenPortal.Core.Catalog;
using TokenPortal.Core.Configuration;
using TokenPortal.Core.Keys;
using TokenPortal.Core.Metering;
using TokenPortal.Core.Providers;
using TokenPortal.Core.RateLimiting;
using TokenPortal.Core.Routing;

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
    TimeProvider clock,
    ILogger<GatewayHandler> logger)
{
    public async Task HandleAsync(HttpContext context, AuthenticatedKey key, IGatewayEndpoint endpoint)
    {
        var call = new GatewayCall(context.TraceIdentifier, key, clock.GetTimestamp());
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
        finally
        {
            if (call.Model.Length > 0)
                requestLog.Write(call.ToRecord(clock), call.Settlement);
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

        // JSON readers check structure, not the text inside strings: invalid UTF-8 would otherwise reach the provider.
        if (!System.Text.Unicode.Utf8.IsValid(body.Memory.Span))
            return GatewayError.InvalidRequest("The request body is not valid UTF-8.");
        var parsed = endpoint.Parse(body.Memory, tokens);
        if (parsed.Error is not null)
            return parsed.Error;
        var request = parsed.Info!;

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
        try
        {
            return await RouteAsync(context, call, endpoint, candidates, new UpstreamRequest(request, body), reservation);
        }
        finally
        {
            // The one place a request's money is given back: whatever happened, unless a relay charged it.
            await reservation.ReleaseUnlessChargedAsync();
            call.Record(reservation);
        }
    }

    /// <summary>
    /// Tries the candidates in order, each on up to <c>Routing:MaxAttempts</c> of its channels, until one serves. Another
    /// channel tries only while nothing reached the client and nothing was charged, and only after a failure that another
    /// upstream might not have (never a 400: the caller's request would fail anywhere). Resting channels are skipped while
    /// any other can be tried; when none can, the request still tries them, soonest back first, rather than fail untried.
    /// </summary>
    private async Task<GatewayError?> RouteAsync(HttpContext context, GatewayCall call, IGatewayEndpoint endpoint,
        IReadOnlyList<CatalogModel> candidates, UpstreamRequest request, RequestReservation reservation)
    {
        var maxAttempts = options.CurrentValue.Routing.MaxAttempts;
        var route = new Route();
        foreach (var model in candidates)
        {
            var attempts = 0;
            var channels = router.Order(model);
            for (var i = 0; i < channels.Count && attempts < maxAttempts && !route.Finished; i++)
            {
                var health = routingHealth.Channel(channels[i].Id);
                if (!health.TryEnter(clock.GetUtcNow(), out var probe))
                {
                    (route.Resting ??= []).Add((model, channels[i], health.RestingUntil ?? DateTimeOffset.MinValue));
                    continue;
                }
                if (await TryChannelAsync(context, call, endpoint, request, model, channels[i], reservation, probe, route))
                    attempts++;
                if (route.SameChannelAgain)
                    i--;
            }
        }
        if (route.Attempts == 0 && route.Resting is not null)
        {
            foreach (var (model, channel, _) in route.Resting.OrderBy(r => r.Until).Take(maxAttempts))
            {
                if (route.Finished)
                    break;
                await TryChannelAsync(context, call, endpoint, request, model, channel, reservation, probe: false, route);
            }
        }
        return route.Finished ? route.Error : route.LastFailure?.Error ?? GatewayError.Upstream("No upstream could take the request; nothing was charged.");
    }

    /// <summary>One channel's turn in <paramref name="route"/>; false when it could not be tried (every key of its provider refused).</summary>
    private async Task<bool> TryChannelAsync(HttpContext context, GatewayCall call, IGatewayEndpoint endpoint, UpstreamRequest request,
        CatalogModel model, CatalogChannel channel, RequestReservation reservation, bool probe, Route route)
    {
        route.SameChannelAgain = false;
        var keys = routingHealth.Keys(channel.Provider.Id);
        if (!keys.TryNext(channel.Provider.ApiKeys, out var apiKey))
        {
            routingHealth.Channel(channel.Id).Abandoned(probe);
            route.LastFailure = UpstreamFailures.NoKeyLeft(channel.Provider);
            return false;
        }

        route.Attempts++;
        call.Attempting(model, channel);
        var outcome = await AttemptAsync(context, call, endpoint, request, model, channel, apiKey, reservation, probe);
        if (outcome.Failure is not { } failure)
        {
            route.Finish(null);
            return true;
        }
        if (failure.Kind == UpstreamFailureKind.Refused && apiKey is not null)
        {
            // That key is taken out; the same channel goes again with its next key, if it has one.
            keys.TakeOut(apiKey, failure.Status ?? 0, clock.GetUtcNow());
            route.SameChannelAgain = true;
        }
        if (outcome.ClientSawBytes || reservation.Charged || !failure.CanFailOver)
        {
            route.Finish(outcome.ClientSawBytes ? null : failure.Error);
            return true;
        }
        context.RequestAborted.ThrowIfCancellationRequested();
        route.LastFailure = failure;
        return true;
    }

    /// <summary>Where one request's routing stands.</summary>
    private sealed class Route
    {
        public int Attempts { get; set; }

        public bool Finished { get; private set; }

        /// <summary>What the client gets once <see cref="Finished"/>: null when it was answered (or saw the failure in its stream).</summary>
        public GatewayError? Error { get; private set; }

        public UpstreamFailure? LastFailure { get; set; }

        public bool SameChannelAgain { get; set; }

        /// <summary>Channels skipped because they rest; null while none was.</summary>
        public List<(CatalogModel Model, CatalogChannel Channel, DateTimeOffset Until)>? Resting { get; set; }

        public void Finish(GatewayError? error)
        {
            Finished = true;
            Error = error;
        }
    }

    /// <summary>One call to one channel, relayed and recorded in the channel's health; every way it can fail comes back as a value.</summary>
    private async Task<RelayOutcome> AttemptAsync(HttpContext context, GatewayCall call, IGatewayEndpoint endpoint, UpstreamRequest request,
        CatalogModel model, CatalogChannel channel, string? apiKey, RequestReservation reservation, bool probe)
    {
        var health = routingHealth.Channel(channel.Id);
        var provider = channel.Provider;
        if (await throttle.WaitForSlotAsync(provider, context.RequestAborted) is { } busy)
        {
            health.Abandoned(probe);
            return RelayOutcome.Failed(new UpstreamFailure(UpstreamFailureKind.Unsuitable, busy));
        }
        // OpenAI (not servers that copy its API, which may refuse unknown fields) learns which of our users is asking.
        var safetyIdentifier = provider.Kind == ProviderKind.OpenAI && endpoint.ModelKind == ModelKind.Chat
            ? await safetyIdentifiers.ForAsync(call.Key.UserId)
            : null;
        var upstreamCall = new UpstreamCall(model, channel, apiKey, request.Info, request.Body,
            RequestBilling.OutputBoundFor(model, request.Info, reservation.Reservation), safetyIdentifier);

        var adapter = adapters.For(provider.Kind);
        // Not the client's token: a caller that hangs up mid-answer is still billed for what was generated.
        using var activity = new ActivityTimeout(provider.Timeout, clock);
        var started = clock.GetTimestamp();
        HttpResponseMessage response;
        try
        {
            using var upstreamRequest = endpoint.CreateUpstreamRequest(adapter, upstreamCall);
            call.Forwarded = true;
            response = await upstream.Invoker.SendAsync(upstreamRequest, activity.Token);
        }
        catch (UnsupportedRequestException ex)
        {
            return Failed(new UpstreamFailure(UpstreamFailureKind.Unsuitable, ex.Error));
        }
        catch (Exception ex) when (ex is HttpRequestException or OperationCanceledException)
        {
            if (context.RequestAborted.IsCancellationRequested)
            {
                health.Abandoned(probe);
                throw;
            }
            LogUpstreamFailed(logger, ex, call.RequestId, provider.Name);
            return Failed(UpstreamFailures.FromException(ex, provider));
        }

        var latency = clock.GetElapsedTime(started);
        using (response)
        {
            if (!response.IsSuccessStatusCode)
            {
                var status = (int)response.StatusCode;
                var errorBody = await UpstreamBody.ReadErrorAsync(response, activity.Token);
                var message = adapter.DescribeError(status, errorBody.Span);
                var failure = UpstreamFailures.FromStatus(status, provider, message, UpstreamFailures.RetryAfter(response, clock));
                if (failure.Kind != UpstreamFailureKind.CallerError)
                    LogUpstreamStatus(logger, call.RequestId, provider.Name, status, message);
                return Failed(failure);
            }

            var relay = new RelayContext(context, call.RequestId, upstreamCall, adapter, reservation, response, activity, endpoint.Dialect);
            var outcome = upstreamCall.Request.Stream ? await streams.RelayAsync(relay) : await wholeReplies.RelayAsync(relay);
            call.Record(outcome);
            if (outcome.Failure is { } relayFailure)
                health.Failed(relayFailure, probe, clock.GetUtcNow(), options.CurrentValue.Routing);
            else if (outcome.ClientGone && !outcome.ClientSawBytes)
                health.Abandoned(probe);
            else
                health.Succeeded(latency);
            return outcome;
        }

        RelayOutcome Failed(UpstreamFailure failure)
        {
            health.Failed(failure, probe, clock.GetUtcNow(), options.CurrentValue.Routing);
            return RelayOutcome.Failed(failure);
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Request {RequestId}: provider {Provider} answered HTTP {Status}: {ProviderMessage}")]
    private static partial void LogUpstreamStatus(ILogger logger, string requestId, string provider, int status, string providerMessage);

    [LoggerMessage(Level = LogLevel.Debug, Message = "Request {RequestId} was abandoned by the client.")]
    private static partial void LogClientAborted(ILogger logger, string requestId);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Request {RequestId} failed to reach provider {Provider}.")]
    private static partial void LogUpstreamFailed(ILogger logger, Exception exception, string requestId, string provider);
}
