using Microsoft.Extensions.Options;
using Stripe;
using Stripe.Checkout;

namespace TokenPortal.Core.Billing.Stripe;

/// <summary>
/// Stripe.net as the product uses it: a <see cref="StripeClient"/> on our pooled <see cref="HttpClient"/>, pointed at the
/// configured API base (a fake in tests), with the secret key read from options at every call. Stripe.net's own network
/// retries are off: our callers decide when to ask again, and every write carries an idempotency key.
/// </summary>
internal sealed class StripeApi(HttpClient http, IOptionsMonitor<StripeOptions> options)
{
    public StripeClient Client
    {
        get
        {
            var settings = options.CurrentValue;
            if (string.IsNullOrWhiteSpace(settings.SecretKey))
                throw new InvalidOperationException("Stripe is not configured (TokenPortal:Stripe:SecretKey).");
            return new StripeClient(settings.SecretKey, httpClient: new SystemNetHttpClient(http, maxNetworkRetries: 0),
                apiBase: settings.ApiRoot.GetLeftPart(UriPartial.Path).TrimEnd('/'));
        }
    }

    /// <summary>The options of a write: Stripe returns the first answer again for a repeated key, so a retry never creates twice.</summary>
    public static RequestOptions Once(string idempotencyKey)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(idempotencyKey);
        return new RequestOptions { IdempotencyKey = idempotencyKey };
    }

    public CustomerService Customers => new(Client);

    public SessionService CheckoutSessions => new(Client);

    public SetupIntentService SetupIntents => new(Client);

    public PaymentMethodService PaymentMethods => new(Client);

    public PaymentIntentService PaymentIntents => new(Client);

    public ChargeService Charges => new(Client);

    public DisputeService Disputes => new(Client);
}
