namespace TokenPortal.Core.Data.Entities;

public enum StripePaymentPurpose
{
    /// <summary>A top-up or token pack the user paid for through Checkout.</summary>
    TopUp = 1,

    /// <summary>An off-session charge of the saved card when the balance fell under the threshold.</summary>
    AutoReload = 2,
}
