using Microsoft.Extensions.Diagnostics.HealthChecks;
using TokenPortal.Core.Billing;

namespace TokenPortal.Web.Operations;

/// <summary>
/// The ledger writer commits every reservation and charge; one batch taking longer than <see cref="Stalled"/> means
/// the database has stopped taking writes (a held lock, a full disk), so this instance should get no new requests.
/// </summary>
internal sealed class LedgerWriterHealthCheck(LedgerWriter writer) : IHealthCheck
{
    public static readonly TimeSpan Stalled = TimeSpan.FromSeconds(10);

    public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        var writing = writer.CurrentWrite;
        return Task.FromResult(writing > Stalled
            ? HealthCheckResult.Unhealthy($"stalled (one batch has been writing for {writing.TotalSeconds:0} s)")
            : HealthCheckResult.Healthy("ok"));
    }
}
