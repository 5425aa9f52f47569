using System.Globalization;
using MudBlazor;
using TokenPortal.Core.Billing;
using TokenPortal.Core.Usage;

namespace TokenPortal.Web.Components.Pages.Usage;

/// <summary>The dashboard's charts, built from one usage report: spend and tokens stacked by model, requests per step, latency.</summary>
internal sealed class UsageCharts
{
    /// <summary>Reads on both the light and the dark surface; the sixth is the grey of "Other models".</summary>
    private static readonly string[] LightPalette = ["#4f46e5", "#0d9488", "#d97706", "#db2777", "#2563eb", "#9ca3af"];
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
            SpendByModel = report.SeriesByModel.Select(s => Series(s.Name, s.Points.Select(t => (double)MicroUsd.ToUsd(t.CostMicros)))).ToList(),
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

    /// <summary>Shows every label when they fit, else every n-th.</summary>
    public static int LabelInterval(int count) => Math.Max(1, (int)Math.Ceiling(count / (double)MaxLabels));

    private static string Label(DateTimeOffset start, bool hourly) =>
        start.ToString(hourly ? "HH:mm" : "MMM d", CultureInfo.InvariantCulture);

    private static ChartSeries<double> Series(string name, IEnumerable<double> values) =>
        new() { Name = name, Data = values.ToArray() };
}
