namespace TokenPortal.Core.Billing.Stripe;

/// <summary>Where to send the browser (Stripe Checkout), or why not.</summary>
public sealed record CheckoutStart(string? Url, string? Error)
{
    public static CheckoutStart Refused(string error) => new(null, error);
}
