using Microsoft.AspNetCore.Http;
using TokenPortal.Core.Catalog;
using TokenPortal.Core.Configuration;
using TokenPortal.Core.Providers;

namespace TokenPortal.Core.Gateway;

/// <summary>The attempts of one request: which channels it tries, in which order, and what each came to.</summary>
public sealed partial class GatewayHandler
{
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
        var route = new RequestRoute();
        foreach (var model in candidates)
        {
            if (route.Finished)
                break;
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
        CatalogModel model, CatalogChannel channel, RequestReservation reservation, bool probe, RequestRoute route)
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

    /// <summary>One call to one channel, relayed and recorded in the channel's health; every way it can fail comes back as a value.</summary>
    private async Task<RelayOutcome> AttemptAsync(HttpContext context, GatewayCall call, IGatewayEndpoint endpoint, UpstreamRequest request,
        CatalogModel model, CatalogChannel channel, string? apiKey, RequestReservation reservation, bool probe)
    {
        var health = routingHealth.Channel(channel.Id);
        var provider = channel.Provider;
        using var span = StartAttemptSpan(call, model, channel);
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
        catch
        {
            // Our own failure (a request we could not write): the channel was not tried, so a probe of it is not spent.
            health.Abandoned(probe);
            throw;
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
                Failing(relayFailure);
            else if (outcome.ClientGone && !outcome.ClientSawBytes)
                health.Abandoned(probe);
            else
                health.Succeeded(latency);
            AttemptServed(span, (int)response.StatusCode, reservation);
            return outcome;
        }

        RelayOutcome Failed(UpstreamFailure failure)
        {
            Failing(failure);
            return RelayOutcome.Failed(failure);
        }

        void Failing(UpstreamFailure failure)
        {
            health.Failed(failure, probe, clock.GetUtcNow(), options.CurrentValue.Routing);
            AttemptFailed(span, model, channel, failure);
        }
    }
}
