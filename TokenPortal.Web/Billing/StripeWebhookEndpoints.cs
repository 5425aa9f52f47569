using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.Options;
using TokenPortal.Core.Billing.Stripe;
using TokenPortal.Core.Gateway;

namespace TokenPortal.Web.Billing;

/// <summary><c>POST /stripe/webhook</c>: the raw body and its signature to Core's handler, the outcome to HTTP in one place.</summary>
internal static partial class StripeWebhookEndpoints
{
    /// <summary>Stripe's events are a few kilobytes; anything much larger is not Stripe.</summary>
    private const int MaxBodyBytes = 256 * 1024;

    public static IEndpointRouteBuilder MapStripeWebhook(this IEndpointRouteBuilder app)
    {
        app.MapPost("/stripe/webhook", ReceiveAsync).DisableAntiforgery();
        return app;
    }

    private static async Task<IResult> ReceiveAsync(HttpContext context, StripeWebhookHandler handler, IOptionsMonitor<StripeOptions> stripe,
        ILoggerFactory loggers, CancellationToken cancellationToken)
    {
        // Nothing is read before the cheap checks: an unsigned or unwanted post costs no buffer.
        if (!stripe.CurrentValue.IsConfigured)
            return TypedResults.Text("Stripe is not configured on this server\n", statusCode: StatusCodes.Status404NotFound);
        if (string.IsNullOrWhiteSpace(context.Request.Headers["Stripe-Signature"]))
            return TypedResults.Text("invalid signature\n", statusCode: StatusCodes.Status400BadRequest);
        if (context.Request.ContentLength > MaxBodyBytes)
            return TypedResults.Text("payload too large\n", statusCode: StatusCodes.Status413PayloadTooLarge);
        if (context.Features.Get<IHttpMaxRequestBodySizeFeature>() is { IsReadOnly: false } limit)
            limit.MaxRequestBodySize = MaxBodyBytes;
        try
        {
            using var body = new MemoryStream();
            await context.Request.Body.CopyToAsync(body, cancellationToken);
            var result = await handler.HandleAsync(body.GetBuffer().AsMemory(0, (int)body.Length), context.Request.Headers["Stripe-Signature"], cancellationToken);
            return result switch
            {
                StripeWebhookResult.Applied or StripeWebhookResult.Duplicate or StripeWebhookResult.Ignored => TypedResults.Text($"{result}\n".ToLowerInvariant()),
                StripeWebhookResult.BadSignature => TypedResults.Text("invalid signature\n", statusCode: StatusCodes.Status400BadRequest),
                StripeWebhookResult.BadPayload => TypedResults.Text("not a Stripe event\n", statusCode: StatusCodes.Status400BadRequest),
                _ => TypedResults.Text("Stripe is not configured on this server\n", statusCode: StatusCodes.Status404NotFound),
            };
        }
        catch (BadHttpRequestException)
        {
            return TypedResults.Text("payload too large\n", statusCode: StatusCodes.Status413PayloadTooLarge);
        }
        catch (Exception ex) when (ex is global::Stripe.StripeException or HttpRequestException or TaskCanceledException or System.Text.Json.JsonException or Newtonsoft.Json.JsonException || RequestBilling.IsDatabaseFailure(ex))
        {
            // Stripe could not be asked, or our database could not record it: Stripe retries a 5xx later, and nothing was applied.
            LogRetryLater(loggers.CreateLogger(typeof(StripeWebhookEndpoints)), ex);
            return TypedResults.Text("try again later\n", statusCode: StatusCodes.Status503ServiceUnavailable);
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "A Stripe webhook could not be applied now; Stripe will deliver it again.")]
    private static partial void LogRetryLater(ILogger logger, Exception exception);
}
