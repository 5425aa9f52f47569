namespace TokenPortal.Core.Billing.Stripe;

/// <summary>Stripe counts USD in cents; the ledger in micro-USD. These are the only conversions between them.</summary>
public static class StripeAmounts
{
    public const long MicrosPerCent = MicroUsd.PerUsd / 100;

    public static long ToMicros(long cents) => checked(cents * MicrosPerCent);

    /// <summary>False when <paramref name="micros"/> is not a whole number of cents (a card cannot be charged for it).</summary>
    public static bool TryToCents(long micros, out long cents)
    {
        cents = micros / MicrosPerCent;
        return micros % MicrosPerCent == 0;
    }

    /// <summary>
    /// The share of a payment's credit that <paramref name="cents"/> of its price stands for (a refund or a dispute):
    /// the whole credit for the whole price, exactly; proportionally, rounded down, for a part.
    /// </summary>
    public static long CreditShare(long creditMicros, long paidCents, long cents)
    {
        if (paidCents <= 0)
            return 0;
        cents = Math.Clamp(cents, 0, paidCents);
        return (long)((Int128)creditMicros * cents / paidCents);
    }
}
