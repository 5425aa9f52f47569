using TokenPortal.Core.Billing;
using TokenPortal.Core.Usage;

namespace TokenPortal.Web.Components.Pages.Usage;

/// <summary>One x-axis step of the dashboard charts, in the units the charts show.</summary>
internal sealed record ChartPoint(string Label, decimal SpendUsd, long PromptTokens, long CompletionTokens, long Requests, double P50Ms, double P95Ms)
{
    public static ChartPoint From(UsagePoint point, TimeSpan step) => new(
        step < TimeSpan.FromDays(1) ? point.Start.ToString("MMM d HH:mm") : point.Start.ToString("MMM d"),
        MicroUsd.ToUsd(point.Totals.CostMicros),
        point.Totals.PromptTokens,
        point.Totals.CompletionTokens,
        point.Totals.Requests,
        Math.Round(point.Totals.P50LatencyMs ?? 0),
        Math.Round(point.Totals.P95LatencyMs ?? 0));
}
