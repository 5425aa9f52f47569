using System.Globalization;

namespace TokenPortal.Web.Components.Pages.Admin;

/// <summary>
/// The unit a spend chart plots in. Mud picks whole-number tick spacings, so a day of $0.004 plotted in dollars has no
/// ticks to speak of: the bars are plotted in dollars, cents or micro-dollars, whichever makes the largest at least 5,
/// and the axis still reads in dollars.
/// </summary>
internal sealed record SpendAxis(long MicrosPerUnit, string Format)
{
    private static readonly SpendAxis Dollars = new(1_000_000, "$#,##0");
    private static readonly SpendAxis Cents = new(10_000, "$0.00");
    private static readonly SpendAxis Micros = new(1, "$0.######");

    public static SpendAxis For(long largestMicros) =>
        largestMicros >= 5 * Dollars.MicrosPerUnit ? Dollars : largestMicros >= 5 * Cents.MicrosPerUnit ? Cents : Micros;

    public double Plot(long micros) => (double)micros / MicrosPerUnit;

    public string Label(double value) => (value * MicrosPerUnit / 1_000_000).ToString(Format, CultureInfo.InvariantCulture);
}
