using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using TokenPortal.Core.Data;

namespace TokenPortal.Web.Operations;

/// <summary>The database answers a real read, not just an open: a locked or corrupt file fails here.</summary>
internal sealed class DatabaseHealthCheck(IDbContextFactory<TokenPortalDbContext> dbFactory) : IHealthCheck
{
    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        try
        {
            await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
            await db.Ledger.AsNoTracking().AnyAsync(cancellationToken);
            return HealthCheckResult.Healthy("ok");
        }
        catch (Exception ex) when (ex is System.Data.Common.DbException or InvalidOperationException or TimeoutException)
        {
            return HealthCheckResult.Unhealthy("unavailable");
        }
    }
}
