using System.Globalization;
using TokenPortal.Core.Billing;

namespace TokenPortal.Web.Portal;

/// <summary>How the portal shows money: exact to the micro-dollar everywhere, so a balance never looks rounded away from the ledger.</summary>
internal static class Money
{
    /// <summary>Exact to the micro-USD, at least cents, trailing zeros trimmed: $0.999875, $2.50, $0.000123.</summary>
    public static string Precise(long micros) => MicroUsd.ToUsd(micros).ToString("$#,##0.00####;-$#,##0.00####", CultureInfo.InvariantCulture);

    public static string Requests(long count) => count == 1 ? "1 request" : $"{Count(count)} requests";

    public static string Count(long value) => value.ToString("#,##0", CultureInfo.InvariantCulture);
}
