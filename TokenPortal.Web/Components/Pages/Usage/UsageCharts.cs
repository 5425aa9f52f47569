using System.Globalization;
using MudBlazor;
using TokenPortal.Core.Billing;
using TokenPortal.Core.Usage;

namespace TokenPortal.Web.Components.Pages.Usage;

/// <summary>The dashboard's charts, built from one usage report: spend and tokens stacked by model, requests per step, latency.</summary>
internal sealed class UsageCharts
{
    /// <summary>At least 3:1 against its theme's card (WCAG's contrast for graphics); the sixth is the grey of "Other models".</summary>
    private static readonly string[] LightPalette = ["#4f46e5", "#0d9488", "#d97706", "#db2777", "#2563eb", "#6b7280"];
    private static readonly string[] DarkPalette = ["#8b93ff", "#2dd4bf", "#fbbf24", "#f472b6", "#60a5fa", "#9ca3af"];

    /// <summary>At most this many labels under an axis, so a 90-day range does not print 90 dates on a phone.</summary>
    private const int MaxLabels = 8;

    public required string[] Labels { get; init; }
    public required List<ChartSeries<double>> SpendByModel { get; init; }
    public required List<ChartSeries<double>> TokensByModel { get; init; }
    public required List<ChartSeries<double>> Requests { get; init; }
    public required string[] LatencyLabels { get; init; }
    public required List<ChartSeries<double>> Latency { get; init; }
    public required string StepName { get; init; }

    public static UsageCharts From(UsageReport report)
    {
        var hourly = report.Step < TimeSpan.FromDays(1);
        var latencySteps = report.Series.Where(p => p.Totals.Requests > 0).ToList();
        return new UsageCharts
        {
            Labels = report.Series.Select(p => Label(p.Start, hourly)).ToArray(),
            // In micro-dollars: the axis steps in whole units, and a day of test calls costs a fraction of a cent.
            SpendByModel = report.SeriesByModel.Select(s => Series(s.Name, s.Points.Select(t => (double)t.CostMicros))).ToList(),
            TokensByModel = report.SeriesByModel.Select(s => Series(s.Name, s.Points.Select(t => (double)t.TotalTokens))).ToList(),
            Requests =
            [
                Series("Succeeded", report.Series.Select(p => (double)(p.Totals.Requests - p.Totals.Errors))),
                Series("Failed", report.Series.Select(p => (double)p.Totals.Errors)),
            ],
            // Bars per step that had requests: one busy day still draws (a line needs two points).
            LatencyLabels = latencySteps.Select(p => Label(p.Start, hourly)).ToArray(),
            Latency =
            [
                Series("p50", latencySteps.Select(p => Math.Round(p.Totals.P50LatencyMs ?? 0))),
                Series("p95", latencySteps.Select(p => Math.Round(p.Totals.P95LatencyMs ?? 0))),
            ],
            StepName = hourly ? "hour" : "day",
        };
    }

    public static string[] Palette(bool dark) => dark ? DarkPalette : LightPalette;

    /// <summary>
    /// A round step (1, 2 or 5 times a power of ten) that puts about five gridlines under the highest stack;
    /// MudBlazor's default of 20 flattens small values and crowds large ones.
    /// </summary>
    public static int AxisStep(IEnumerable<ChartSeries<double>> stacked)
    {
        var series = stacked.ToList();
        var steps = series.Count == 0 ? 0 : series.Max(s => s.Data.Values.Count);
        var highest = Enumerable.Range(0, steps).Select(i => series.Sum(s => i < s.Data.Values.Count ? s.Data.Values[i] : 0)).DefaultIfEmpty(0).Max();
        return RoundStep(highest / 5);
    }

    /// <summary>The same for side-by-side bars: about five gridlines under the tallest bar.</summary>
    public static int AxisStepForBars(IEnumerable<ChartSeries<double>> bars) =>
        RoundStep(bars.SelectMany(s => s.Data.Values).DefaultIfEmpty(0).Max() / 5);

    private static int RoundStep(double raw)
    {
        if (raw <= 1)
            return 1;
        var power = Math.Pow(10, Math.Floor(Math.Log10(raw)));
        var step = new[] { 1, 2, 5, 10 }.Select(m => m * power).First(s => s >= raw);
        return (int)Math.Min(step, int.MaxValue);
    }

    /// <summary>An axis label for micro-dollars: as few decimals as the step needs.</summary>
    public static string Dollars(double micros)
    {
        var usd = MicroUsd.ToUsd((long)micros);
        return usd.ToString(usd is > 0 and < 0.01m ? "$0.######" : "$#,##0.##", CultureInfo.InvariantCulture);
    }

    /// <summary>Shows every label when they fit, else every n-th.</summary>
    public static int LabelInterval(int count) => Math.Max(1, (int)Math.Ceiling(count / (double)MaxLabels));

    private static string Label(DateTimeOffset start, bool hourly) =>
        start.ToString(hourly ? "HH:mm" : "MMM d", CultureInfo.InvariantCulture);

    private static ChartSeries<double> Series(string name, IEnumerable<double> values) =>
        new() { Name = name, Data = values.ToArray() };
}
