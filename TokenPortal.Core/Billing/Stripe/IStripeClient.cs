namespace TokenPortal.Core.Billing.Stripe;

/// <summary>
/// The few Stripe API calls the product makes. Every write takes an idempotency key, so a retried call
/// never charges or creates twice. Stripe.net's services could stand behind this interface.
/// </summary>
public interface IStripeClient
{
    Task<StripeCustomer> CreateCustomerAsync(StripeForm form, string idempotencyKey, CancellationToken cancellationToken);

    Task<StripeCheckoutSession> CreateCheckoutSessionAsync(StripeForm form, string idempotencyKey, CancellationToken cancellationToken);

    Task<StripeCheckoutSession> GetCheckoutSessionAsync(string id, CancellationToken cancellationToken);

    Task<StripeSetupIntent> GetSetupIntentAsync(string id, CancellationToken cancellationToken);

    Task<StripePaymentMethod> GetPaymentMethodAsync(string id, CancellationToken cancellationToken);

    Task<StripePaymentIntent> CreatePaymentIntentAsync(StripeForm form, string idempotencyKey, CancellationToken cancellationToken);

    Task<StripePaymentIntent> GetPaymentIntentAsync(string id, CancellationToken cancellationToken);

    Task<StripeCharge> GetChargeAsync(string id, CancellationToken cancellationToken);

    Task<StripeDispute> GetDisputeAsync(string id, CancellationToken cancellationToken);
}
