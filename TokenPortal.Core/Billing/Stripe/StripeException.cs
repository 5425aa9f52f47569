namespace TokenPortal.Core.Billing.Stripe;

/// <summary>Stripe answered with an error: its HTTP status and error object (a declined card is <c>card_error</c>).</summary>
public sealed class StripeException(int statusCode, StripeError error)
    : Exception(error.Message ?? $"Stripe answered {statusCode} ({error.Type}/{error.Code}).")
{
    public int StatusCode { get; } = statusCode;

    public StripeError Error { get; } = error;

    /// <summary>The card was declined or needs its holder: retrying with the same card will not help.</summary>
    public bool IsCardError => Error.Type == "card_error";
}
