namespace TokenPortal.Core.Billing.Stripe;

public enum StripeSignatureCheck
{
    Valid,

    /// <summary>No <c>Stripe-Signature</c> header, or one without a timestamp or any <c>v1</c> signature.</summary>
    Missing,

    /// <summary>No <c>v1</c> signature matches the payload under the signing secret.</summary>
    Mismatch,

    /// <summary>The signature is genuine but its timestamp is outside the tolerance (a replay).</summary>
    Stale,
}
