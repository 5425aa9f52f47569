namespace TokenPortal.Core.Usage;

/// <summary>Totals for one model or one key.</summary>
public sealed record UsageBreakdown(string Name, UsageTotals Totals);
