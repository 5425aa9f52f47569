using System.Globalization;

namespace TokenPortal.Core.Billing;

/// <summary>Money is a <see cref="long"/> count of micro-USD (1 USD = 1,000,000). These are the only conversions.</summary>
public static class MicroUsd
{
    public const long PerUsd = 1_000_000;

    /// <summary>The largest amount a <see cref="long"/> of micro-USD holds, in whole USD.</summary>
    private const decimal MaxUsd = long.MaxValue / PerUsd;

    /// <summary>Converts a USD amount from configuration; refuses sub-micro precision (and amounts too large to hold) rather than guess.</summary>
    public static long FromUsd(decimal usd) => TryFromUsd(usd, out var micros)
        ? micros
        : throw new ArgumentException($"{usd} USD is finer than one micro-USD or too large.", nameof(usd));

    /// <summary>Like <see cref="FromUsd"/> for amounts a person typed: false when finer than a micro-USD or too large.</summary>
    public static bool TryFromUsd(decimal usd, out long micros)
    {
        micros = 0;
        if (Math.Abs(usd) > MaxUsd)
            return false;
        var exact = usd * PerUsd;
        if (exact != decimal.Truncate(exact))
            return false;
        micros = (long)exact;
        return true;
    }

    /// <summary>The exact USD value, for display and for the <c>cost</c> field of responses.</summary>
    public static decimal ToUsd(long micros) => micros / (decimal)PerUsd;

    /// <summary>Six decimals, invariant culture: <c>12.345678</c>.</summary>
    public static string Format(long micros) => ToUsd(micros).ToString("0.000000", CultureInfo.InvariantCulture);
}
