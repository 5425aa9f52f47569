using Microsoft.Extensions.Hosting;
using TokenPortal.Core.Billing;

namespace TokenPortal.Core.Data;

/// <summary>
/// Before the server starts listening (StartingAsync precedes every StartAsync): brings the database up to date,
/// registers this server among those on the database, then releases what servers that are gone left behind and
/// rebuilds the log rows they never wrote.
/// </summary>
internal sealed class DatabaseInitializationService(DatabaseInitializer initializer, ServerRegistry registry, ILedger ledger, Metering.LostLogRows lostLogRows) : IHostedLifecycleService
{
    public async Task StartingAsync(CancellationToken cancellationToken)
    {
        await initializer.InitializeAsync(releaseAbandoned: false, cancellationToken);
        await registry.RegisterAsync(cancellationToken);
        await ledger.ReleaseAbandonedAsync(cancellationToken);
        await lostLogRows.RebuildAsync(cancellationToken);
    }

    public Task StartAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StartedAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StoppingAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StoppedAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
