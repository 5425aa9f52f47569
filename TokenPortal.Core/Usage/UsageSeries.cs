namespace TokenPortal.Core.Usage;

/// <summary>One model's totals for each step of <see cref="UsageReport.Series"/>, in the same order, for stacked charts.</summary>
public sealed record UsageSeries(string Name, IReadOnlyList<UsageTotals> Points);
