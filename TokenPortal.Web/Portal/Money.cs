using System.Globalization;
using TokenPortal.Core.Billing;

namespace TokenPortal.Web.Portal;

/// <summary>How the portal shows money: cents for balances, more digits where a request costs fractions of a cent.</summary>
internal static class Money
{
    public static string Usd(long micros) => MicroUsd.ToUsd(micros).ToString("$#,##0.00", CultureInfo.InvariantCulture);

    /// <summary>Up to six decimals, trailing zeros trimmed below a cent: $0.000123.</summary>
    public static string Precise(long micros)
    {
        var usd = MicroUsd.ToUsd(micros);
        return usd == 0 || Math.Abs(usd) >= 0.01m
            ? usd.ToString("$#,##0.00##", CultureInfo.InvariantCulture)
            : usd.ToString("$0.######", CultureInfo.InvariantCulture);
    }

    public static string PerMillion(long microsPerMillion) =>
        MicroUsd.ToUsd(microsPerMillion).ToString("$#,##0.00##", CultureInfo.InvariantCulture);

    public static string Count(long value) => value.ToString("#,##0", CultureInfo.InvariantCulture);
}
