using System.Globalization;
using TokenPortal.Core.Billing;

namespace TokenPortal.Web.Portal;

/// <summary>
/// How the portal shows money: balances and totals in cents, a request's cost and the ledger exact to the micro-dollar.
/// Wherever cents round a figure, the <c>Usd</c> component puts the exact one in a tooltip.
/// </summary>
internal static class Money
{
    /// <summary>To the nearest cent, always two decimals: $1.00, -$0.25, $1,234.57.</summary>
    public static string Cents(long micros) =>
        Math.Round(MicroUsd.ToUsd(micros), 2, MidpointRounding.AwayFromZero).ToString("$#,##0.00;-$#,##0.00", CultureInfo.InvariantCulture);

    /// <summary>Whether <see cref="Cents"/> shows the amount exactly.</summary>
    public static bool IsWholeCents(long micros) => micros % 10_000 == 0;

    /// <summary>Exact to the micro-USD, at least cents, trailing zeros trimmed: $0.999875, $2.50, $0.000123.</summary>
    public static string Precise(long micros) => MicroUsd.ToUsd(micros).ToString("$#,##0.00####;-$#,##0.00####", CultureInfo.InvariantCulture);

    public static string Requests(long count) => count == 1 ? "1 request" : $"{Count(count)} requests";

    public static string Count(long value) => value.ToString("#,##0", CultureInfo.InvariantCulture);
}
