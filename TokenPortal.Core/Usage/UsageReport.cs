namespace TokenPortal.Core.Usage;

/// <summary>
/// A user's usage over a range: totals, a time series, the same series split by model (the costliest models, the
/// rest as <see cref="UsageReports.OtherModels"/>), and the totals by model and by key.
/// </summary>
public sealed record UsageReport(
    UsageTotals Totals,
    TimeSpan Step,
    IReadOnlyList<UsagePoint> Series,
    IReadOnlyList<UsageSeries> SeriesByModel,
    IReadOnlyList<UsageBreakdown> ByModel,
    IReadOnlyList<UsageBreakdown> ByKey);
