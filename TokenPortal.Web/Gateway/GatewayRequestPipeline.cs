using TokenPortal.Core.Data;
using TokenPortal.Core.Gateway;

namespace TokenPortal.Web.Gateway;

/// <summary>
/// What every API request gets around its endpoint, and nothing more: an id (sent back as <c>x-request-id</c> and
/// written to its log row), cached keys, catalog and settings no older than the last change by any process, and the
/// last line against our own faults. The API's endpoints are short-circuited: they run
/// straight from routing, skipping the portal's cookie authentication, authorization and antiforgery, which an API
/// key request never needs and which cost every call a few microseconds.
/// </summary>
internal static partial class GatewayRequestPipeline
{
    public static RouteGroupBuilder WithGatewayPipeline(this RouteGroupBuilder api, CachedStateRefresher refresher, ILogger logger)
    {
        ((IEndpointConventionBuilder)api).Add(endpoint =>
        {
            var inner = endpoint.RequestDelegate ?? throw new InvalidOperationException($"{endpoint.DisplayName} has no request delegate.");
            endpoint.RequestDelegate = context => InvokeAsync(context, inner, logger, refresher);
        });
        api.ShortCircuit();
        return api;
    }

    /// <summary>
    /// Runs the endpoint; an exception our code did not expect becomes an OpenAI-shaped 500 (never a stack trace), or,
    /// once a stream has started, an aborted connection so a cut-off body never looks complete.
    /// </summary>
    public static async Task InvokeAsync(HttpContext context, RequestDelegate endpoint, ILogger logger, CachedStateRefresher? refresher = null)
    {
        var id = NewRequestId();
        context.TraceIdentifier = id;
        context.Response.Headers["x-request-id"] = id;
        // Every line logged for the request, ours or a library's (HttpClient, EF), carries its id.
        using var scope = RequestScope(logger, id);
        try
        {
            if (refresher is not null)
                await refresher.RefreshIfChangedAsync();
            await endpoint(context);
        }
        catch (Exception ex) when (!context.RequestAborted.IsCancellationRequested)
        {
            LogUnhandled(logger, ex, id);
            if (context.Response.HasStarted)
            {
                context.Abort();
                return;
            }
            var error = RequestBilling.IsDatabaseFailure(ex) ? GatewayError.Unavailable() : GatewayError.Internal();
            // Anthropic's clients call /messages and read Anthropic's error shape.
            if (context.Request.Path.Value?.EndsWith("/messages", StringComparison.Ordinal) == true)
                await Core.Protocol.Anthropic.AnthropicErrorWriter.WriteAsync(context, error);
            else
                await GatewayErrorWriter.WriteAsync(context, error);
        }
    }

    /// <summary>
    /// <c>req_</c> and a version 7 UUID in hex: 48 bits of milliseconds, then 74 random bits. Ids issued later sort
    /// later, so the ledger's and the log's request-id indexes grow at their right edge: a commit of a hundred requests
    /// touches a page or two of each index, not a hundred scattered ones (random ids made SQLite's file writes and reads
    /// a fifth of the gateway's CPU).
    /// </summary>
    public static string NewRequestId() => string.Create(4 + 32, Guid.CreateVersion7(), static (chars, uuid) =>
    {
        "req_".CopyTo(chars);
        uuid.TryFormat(chars[4..], out _, "N");
    });

    private static readonly Func<ILogger, string, IDisposable?> RequestScope = LoggerMessage.DefineScope<string>("RequestId:{RequestId}");

    [LoggerMessage(Level = LogLevel.Error, Message = "Request {RequestId} failed with an unexpected exception.")]
    private static partial void LogUnhandled(ILogger logger, Exception exception, string requestId);
}
