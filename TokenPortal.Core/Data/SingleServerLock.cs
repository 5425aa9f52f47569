using Microsoft.EntityFrameworkCore;
using Npgsql;

namespace TokenPortal.Core.Data;

/// <summary>
/// One server per PostgreSQL database, until holds are leased across instances: each server grants holds from its own
/// view of the balances, and at start releases the holds it finds open (their server is gone). A second server on the
/// same database would do both to the first one's money, so it refuses to start instead. A session-level advisory lock,
/// on a connection of its own held for the server's lifetime, says who runs; it goes with the session if the server dies.
/// SQLite needs none: its file is the instance's own.
/// </summary>
public sealed class SingleServerLock(IDbContextFactory<TokenPortalDbContext> dbFactory) : IAsyncDisposable
{
    private const long LockId = 7_157_001;
    private NpgsqlConnection? _session;

    public async Task AcquireAsync(CancellationToken cancellationToken)
    {
        string connectionString;
        await using (var db = await dbFactory.CreateDbContextAsync(cancellationToken))
        {
            if (!db.Database.IsNpgsql())
                return;
            connectionString = db.Database.GetConnectionString()!;
        }
        // Not from the pool: a pooled session is reset (and its locks released) when it goes back.
        var session = new NpgsqlConnection(new NpgsqlConnectionStringBuilder(connectionString) { Pooling = false }.ConnectionString);
        await session.OpenAsync(cancellationToken);
        await using var command = new NpgsqlCommand($"SELECT pg_try_advisory_lock({LockId})", session);
        if (await command.ExecuteScalarAsync(cancellationToken) is not true)
        {
            await session.DisposeAsync();
            throw new InvalidOperationException(
                "Another TokenPortal server is already running on this PostgreSQL database. Until holds are shared across instances, " +
                "run one server per database (stop the other first, or give this one its own database).");
        }
        _session = session;
    }

    public async ValueTask DisposeAsync()
    {
        if (_session is { } session)
            await session.DisposeAsync();
        _session = null;
    }
}
