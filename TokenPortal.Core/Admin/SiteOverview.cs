using TokenPortal.Core.Usage;

namespace TokenPortal.Core.Admin;

/// <summary>The site's usage over a range: what the admin overview shows.</summary>
/// <param name="ActiveUsers">Accounts that made at least one request in the range.</param>
/// <param name="ByProvider">Most errors first; requests refused before any provider was chosen under <see cref="ProviderOutcomes.NoProvider"/>.</param>
/// <param name="Revenue">Card payments per step, on the steps of <see cref="Series"/>.</param>
/// <param name="TopUsers">The accounts that spent most, at most <see cref="SiteOverviewReports.TopUserCount"/>.</param>
public sealed record SiteOverview(
    UsageTotals Totals,
    int ActiveUsers,
    TimeSpan Step,
    IReadOnlyList<UsagePoint> Series,
    IReadOnlyList<UsageBreakdown> ByModel,
    IReadOnlyList<ProviderOutcomes> ByProvider,
    IReadOnlyList<RevenuePoint> Revenue,
    IReadOnlyList<UserSpend> TopUsers)
{
    public long RevenueCents => Revenue.Sum(r => r.NetCents);
}
