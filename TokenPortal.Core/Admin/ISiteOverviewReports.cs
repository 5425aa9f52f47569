namespace TokenPortal.Core.Admin;

/// <summary>The whole site's traffic for the admin overview; no user or key is named.</summary>
public interface ISiteOverviewReports
{
    /// <summary>
    /// Usage in the hours [<paramref name="from"/>, <paramref name="to"/>) touch: totals, a series (hourly up to two days,
    /// daily beyond, UTC) and the split by model from the rollups; requests and errors by the provider that served from
    /// the request log.
    /// </summary>
    Task<SiteOverview> GetAsync(DateTimeOffset from, DateTimeOffset to, CancellationToken cancellationToken);
}
