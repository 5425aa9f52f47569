using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace TokenPortal.Core.Data;

/// <summary>
/// Copies SQLite's write-ahead log into the database file once a second, off the request path, in two passes. The
/// first runs beside the writers (PASSIVE never waits for them) and copies the bulk. The second runs between our
/// writers' transactions (inside the write gate), copies only what was committed meanwhile, and so completes: the next
/// writer starts the log afresh and the WAL stays small. Writers pause only for that short second pass, instead of for
/// a whole checkpoint in every commit that crossed SQLite's auto-checkpoint size. (Connections leave auto-checkpoint
/// to a far larger backstop: see <see cref="SqliteConnectionOpenedInterceptor"/>.)
/// </summary>
internal sealed partial class WalCheckpointService(
    IDbContextFactory<TokenPortalDbContext> dbFactory,
    DatabaseWriteGate writeGate,
    TimeProvider clock,
    ILogger<WalCheckpointService> logger) : BackgroundService
{
    private static readonly TimeSpan Interval = TimeSpan.FromSeconds(1);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        await using (var db = await dbFactory.CreateDbContextAsync(stoppingToken))
        {
            if (!db.Database.IsSqlite())
                return; // PostgreSQL keeps its own log.
        }
        using var timer = new PeriodicTimer(Interval, clock);
        try
        {
            while (await timer.WaitForNextTickAsync(stoppingToken))
            {
                await CheckpointAsync("PRAGMA wal_checkpoint(PASSIVE);", betweenWriters: false, stoppingToken);
                await CheckpointAsync("PRAGMA wal_checkpoint(PASSIVE);", betweenWriters: true, stoppingToken);
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
        // On the way out, fold the whole log into the file.
        await CheckpointAsync("PRAGMA wal_checkpoint(TRUNCATE);", betweenWriters: true, CancellationToken.None);
    }

    private async Task CheckpointAsync(string pragma, bool betweenWriters, CancellationToken cancellationToken)
    {
        try
        {
            await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
            await db.Database.OpenConnectionAsync(cancellationToken);
            using var _ = betweenWriters ? await writeGate.EnterAsync(cancellationToken) : default;
            await db.Database.ExecuteSqlRawAsync(pragma, cancellationToken);
        }
        catch (Exception ex) when (ex is System.Data.Common.DbException or InvalidOperationException)
        {
            LogCheckpointFailed(logger, ex, pragma);
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "{Pragma} failed; the next checkpoint tries again.")]
    private static partial void LogCheckpointFailed(ILogger logger, Exception exception, string pragma);
}
