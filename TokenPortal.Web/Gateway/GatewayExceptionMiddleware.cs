using TokenPortal.Core.Gateway;

namespace TokenPortal.Web.Gateway;

/// <summary>
/// The last line: an exception our code did not expect becomes an OpenAI-shaped 500 (never a stack
/// trace), or, once a stream has started, an aborted connection so a cut-off body never looks complete.
/// </summary>
internal sealed partial class GatewayExceptionMiddleware(RequestDelegate next, ILogger<GatewayExceptionMiddleware> logger)
{
    public async Task InvokeAsync(HttpContext context)
    {
        try
        {
            await next(context);
        }
        catch (Exception ex) when (!context.RequestAborted.IsCancellationRequested)
        {
            LogUnhandled(logger, ex, context.TraceIdentifier);
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

    [LoggerMessage(Level = LogLevel.Error, Message = "Request {RequestId} failed with an unexpected exception.")]
    private static partial void LogUnhandled(ILogger logger, Exception exception, string requestId);
}
