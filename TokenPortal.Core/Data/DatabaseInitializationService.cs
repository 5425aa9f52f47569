using Microsoft.Extensions.Hosting;

namespace TokenPortal.Core.Data;

/// <summary>Runs the initializer before the server starts listening (StartingAsync precedes every StartAsync).</summary>
internal sealed class DatabaseInitializationService(DatabaseInitializer initializer) : IHostedLifecycleService
{
    public Task StartingAsync(CancellationToken cancellationToken) => initializer.InitializeAsync(releaseAbandoned: true, cancellationToken);

    public Task StartAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StartedAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StoppingAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StoppedAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
