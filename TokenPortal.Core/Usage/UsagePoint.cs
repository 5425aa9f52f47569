namespace TokenPortal.Core.Usage;

/// <summary>One step of a chart: the totals of the hour or day that starts at <see cref="Start"/>.</summary>
public sealed record UsagePoint(DateTimeOffset Start, UsageTotals Totals);
