namespace TokenPortal.Core.Usage;

/// <summary>A user's usage over a range: totals, a time series, and the split by model and by key.</summary>
public sealed record UsageReport(
    UsageTotals Totals,
    TimeSpan Step,
    IReadOnlyList<UsagePoint> Series,
    IReadOnlyList<UsageBreakdown> ByModel,
    IReadOnlyList<UsageBreakdown> ByKey);
