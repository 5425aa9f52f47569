using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace TokenPortal.Core.Billing;

/// <summary>
/// Every heartbeat: says this server is alive, gives back leases it does not use (all of them while other servers run,
/// so each server's share follows its traffic), and releases the reservations of servers gone past the deadline. On the
/// way down it returns its leases and leaves, so the others need not wait for the deadline.
/// </summary>
internal sealed partial class LeaseKeeper(ServerRegistry registry, ILedger ledger, ServerInstance server, TimeProvider clock, ILogger<LeaseKeeper> logger)
    : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(server.HeartbeatInterval, clock);
        try
        {
            while (await timer.WaitForNextTickAsync(stoppingToken))
            {
                try
                {
                    await registry.HeartbeatAsync(stoppingToken);
                    await registry.ReturnLeasesAsync(all: false);
                    await ledger.ReleaseAbandonedAsync(stoppingToken);
                }
                catch (Exception ex) when (ex is not OperationCanceledException || !stoppingToken.IsCancellationRequested)
                {
                    // The database is away: leases lapse on their own after half the deadline, and the next beat tries again.
                    LogBeatFailed(logger, ex);
                }
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
    }

    public override async Task StopAsync(CancellationToken cancellationToken)
    {
        await base.StopAsync(cancellationToken);
        try
        {
            await registry.DeregisterAsync(cancellationToken);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            LogLeaveFailed(logger, ex);
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "The heartbeat failed; this server stops granting from its leases if it keeps failing.")]
    private static partial void LogBeatFailed(ILogger logger, Exception exception);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Could not return this server's leases on the way down; another server returns them after the deadline.")]
    private static partial void LogLeaveFailed(ILogger logger, Exception exception);
}
