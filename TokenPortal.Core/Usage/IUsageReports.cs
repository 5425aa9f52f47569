namespace TokenPortal.Core.Usage;

/// <summary>Dashboard figures from the hourly and daily rollups: fast however long the request log grows.</summary>
public interface IUsageReports
{
    /// <summary>
    /// Usage in [<paramref name="from"/>, <paramref name="to"/>), hourly for ranges up to two days, daily beyond (UTC);
    /// only one key's when <paramref name="apiKeyId"/> is given.
    /// </summary>
    Task<UsageReport> GetAsync(string userId, DateTimeOffset from, DateTimeOffset to, CancellationToken cancellationToken, long? apiKeyId = null);

    /// <summary>Spend per UTC day, newest first, for the billing history.</summary>
    Task<IReadOnlyList<UsagePoint>> DailyAsync(string userId, DateTimeOffset from, DateTimeOffset to, CancellationToken cancellationToken);
}
