using Microsoft.Extensions.Diagnostics.HealthChecks;
using TokenPortal.Core.Configuration;
using TokenPortal.Core.RateLimiting.Redis;

namespace TokenPortal.Web.Operations;

/// <summary>
/// Redis, where the site uses it. With <c>Redis:WhenDown=PerInstance</c> a lost Redis is degraded, not unready: the
/// instance serves on its own limits.
/// </summary>
internal sealed class RedisHealthCheck(IServiceProvider services) : IHealthCheck
{
    public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default) =>
        Task.FromResult(services.GetService<RedisConnection>() switch
        {
            null => HealthCheckResult.Healthy("not used"),
            { IsConnected: true } => HealthCheckResult.Healthy("ok"),
            { WhenDown: RedisWhenDown.PerInstance } => HealthCheckResult.Degraded("unavailable (serving on per-instance limits)"),
            _ => HealthCheckResult.Unhealthy("unavailable (refusing requests it cannot count)"),
        });
}
