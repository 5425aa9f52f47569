using System.Globalization;

namespace TokenPortal.Core.Billing;

/// <summary>Money is a <see cref="long"/> count of micro-USD (1 USD = 1,000,000). These are the only conversions.</summary>
public static class MicroUsd
{
    public const long PerUsd = 1_000_000;

    /// <summary>Converts a USD amount from configuration or user input; refuses sub-micro precision rather than guess.</summary>
    public static long FromUsd(decimal usd)
    {
        var micros = usd * PerUsd;
        if (micros != decimal.Truncate(micros))
            throw new ArgumentException($"{usd} USD is finer than one micro-USD.", nameof(usd));
        return checked((long)micros);
    }

    /// <summary>The exact USD value, for display and for the <c>cost</c> field of responses.</summary>
    public static decimal ToUsd(long micros) => micros / (decimal)PerUsd;

    /// <summary>Six decimals, invariant culture: <c>12.345678</c>.</summary>
    public static string Format(long micros) => ToUsd(micros).ToString("0.000000", CultureInfo.InvariantCulture);
}
