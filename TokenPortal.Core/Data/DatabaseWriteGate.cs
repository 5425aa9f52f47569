namespace TokenPortal.Core.Data;

/// <summary>
/// SQLite has one writer at a time; queueing our own writers here is cheaper and fairer than
/// letting them spin on SQLITE_BUSY. Other processes (the admin CLI) still meet SQLite's busy timeout.
/// A no-op for server databases, which take concurrent writers.
/// </summary>
public sealed class DatabaseWriteGate(bool serializeWrites)
{
    private readonly SemaphoreSlim? _semaphore = serializeWrites ? new SemaphoreSlim(1, 1) : null;

    public async ValueTask<Releaser> EnterAsync(CancellationToken cancellationToken)
    {
        if (_semaphore is not null)
            await _semaphore.WaitAsync(cancellationToken);
        return new Releaser(_semaphore);
    }

    public readonly struct Releaser(SemaphoreSlim? semaphore) : IDisposable
    {
        public void Dispose() => semaphore?.Release();
    }
}
