using Microsoft.Extensions.Hosting;

namespace TokenPortal.Core.Data;

/// <summary>
/// Runs the initializer before the server starts listening (StartingAsync precedes every StartAsync), once this server
/// holds the database (<see cref="SingleServerLock"/>): releasing "abandoned" holds is only right when no other server runs.
/// </summary>
internal sealed class DatabaseInitializationService(DatabaseInitializer initializer, SingleServerLock serverLock) : IHostedLifecycleService
{
    public async Task StartingAsync(CancellationToken cancellationToken)
    {
        await serverLock.AcquireAsync(cancellationToken);
        await initializer.InitializeAsync(releaseAbandoned: true, cancellationToken);
    }

    public Task StartAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StartedAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StoppingAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public async Task StoppedAsync(CancellationToken cancellationToken) => await serverLock.DisposeAsync();
}
