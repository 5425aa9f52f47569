namespace TokenPortal.Core.Billing.Stripe;

/// <summary>Told after every settlement that took money: the cheap first look of auto-reload, on the request path.</summary>
public interface IAutoReloadTrigger
{
    /// <summary>A dictionary lookup for users without auto-reload; for the others a check is queued off the request path.</summary>
    void BalanceLowered(string userId);
}
