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

        var model = catalog.Find(request.Model);
        if (model is null)
            return GatewayError.ModelNotFound(request.Model);
        if (model.Kind != endpoint.ModelKind)
            return GatewayError.InvalidRequest(model.Kind == ModelKind.Embedding
                ? $"The model '{model.Id}' is an embedding model; use POST /v1/embeddings."
                : $"The model '{model.Id}' is a chat model; use POST /v1/chat/completions.", "model");
        if (call.Key.AllowedModels is { } allowed && !allowed.Contains(model.Id))
            return GatewayError.ModelNotAllowed(model.Id);
        if (request.PricedParameters?.FirstOrDefault(p => !model.AllowedParameters.Contains(p)) is { } priced)
            return GatewayError.InvalidRequest(
                $"'{priced}' changes what the provider charges beyond the model's token prices, and the model '{model.Id}' is not priced for it here.", priced);

        call.Model = model.Id;
        call.Provider = model.Provider.Name;
        call.Stream = request.Stream;

        var requestedOutput = request.MaxOutputTokens ?? model.MaxOutputTokens;
        var inputTokens = request.InputTokensFor(model);
        var tokensRefused = await admission.TakeTokensAsync(inputTokens + (long)requestedOutput * request.Choices);
        admission.WriteHeaders(context.Response.Headers);
        if (tokensRefused is not null)
            return tokensRefused;
        return await ReserveAndCallAsync(context, call, endpoint, model, request, parsed.Body, inputTokens, requestedOutput);
    }

    private async Task<GatewayError?> ReserveAndCallAsync(HttpContext context, GatewayCall call, IGatewayEndpoint endpoint,
        CatalogModel model, RequestInfo request, ReadOnlyMemory<byte> body, int inputTokens, int requestedOutput)
    {
        // Not the client's token: a reservation committed just as the client left must still be closed by us.
        var plan = await billing.ReserveAsync(call.Key, call.RequestId, model, inputTokens,
            requestedOutput, request.Choices, CancellationToken.None);
        if (plan.Error is not null)
            return plan.Error;
        var reservation = new RequestReservation(billing, plan.Reservation!);
        try
        {
            if (await throttle.WaitForSlotAsync(model.Provider, context.RequestAborted) is { } busy)
                return busy;
            // OpenAI (not servers that copy its API, which may refuse unknown fields) learns which of our users is asking.
            var safetyIdentifier = model.Provider.Kind == ProviderKind.OpenAI && endpoint.ModelKind == ModelKind.Chat
                ? await safetyIdentifiers.ForAsync(call.Key.UserId)
                : null;
            call.Forwarded = true;
            var outcome = await AttemptAsync(context, call.RequestId, endpoint, new UpstreamCall(model, request, body, plan.OutputTokensPerChoice, safetyIdentifier), reservation);
            call.Record(outcome);
            if (outcome.Failure is { } failure && !outcome.ClientSawBytes)
                return failure.Error;
            return null;
        }
        finally
        {
            // The one place a request's money is given back: whatever happened, unless a relay charged it.
            await reservation.ReleaseUnlessChargedAsync();
            call.Record(reservation);
        }
    }

    /// <summary>One call to one upstream, relayed; every way it can fail comes back as a value.</summary>
    private async Task<RelayOutcome> AttemptAsync(HttpContext context, string requestId, IGatewayEndpoint endpoint, UpstreamCall upstreamCall, RequestReservation reservation)
    {
        var provider = upstreamCall.Model.Provider;
        var adapter = adapters.For(provider.Kind);
        // Not the client's token: a caller that hangs up mid-answer is still billed for what was generated.
        using var activity = new ActivityTimeout(provider.Timeout, clock);
        HttpResponseMessage response;
        try
        {
            using var upstreamRequest = endpoint.CreateUpstreamRequest(adapter, upstreamCall);
            response = await upstream.Invoker.SendAsync(upstreamRequest, activity.Token);
        }
        catch (UnsupportedRequestException ex)
        {
            return RelayOutcome.Failed(new UpstreamFailure(UpstreamFailureKind.Unsuitable, ex.Error));
        }
        catch (Exception ex) when (ex is HttpRequestException or OperationCanceledException)
        {
            LogUpstreamFailed(logger, ex, requestId, provider.Name);
            return RelayOutcome.Failed(UpstreamFailures.FromException(ex, provider));
        }

        using (response)
        {
            if (!response.IsSuccessStatusCode)
            {
                var status = (int)response.StatusCode;
                var errorBody = await UpstreamBody.ReadErrorAsync(response, activity.Token);
                var message = adapter.DescribeError(status, errorBody.Span);
                var failure = UpstreamFailures.FromStatus(status, provider, message, UpstreamFailures.RetryAfter(response, clock));
                if (failure.Kind != UpstreamFailureKind.CallerError)
                    LogUpstreamStatus(logger, requestId, provider.Name, status, message);
                return RelayOutcome.Failed(failure);
            }

            var relay = new RelayContext(context, requestId, upstreamCall, adapter, reservation, response, activity, endpoint.Dialect);
            return upstreamCall.Request.Stream ? await streams.RelayAsync(relay) : await wholeReplies.RelayAsync(relay);
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Request {RequestId}: provider {Provider} answered HTTP {Status}: {ProviderMessage}")]
    private static partial void LogUpstreamStatus(ILogger logger, string requestId, string provider, int status, string providerMessage);

    [LoggerMessage(Level = LogLevel.Debug, Message = "Request {RequestId} was abandoned by the client.")]
    private static partial void LogClientAborted(ILogger logger, string requestId);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Request {RequestId} failed to reach provider {Provider}.")]
    private static partial void LogUpstreamFailed(ILogger logger, Exception exception, string requestId, string provider);
}
