using System.Threading.Channels;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging;
using TokenPortal.Core.Data;

namespace TokenPortal.Core.Billing;

/// <summary>
/// Group commit for the request path's ledger writes. Reserves and settles queue here; one writer takes everything
/// queued (up to <see cref="MaxBatch"/>), runs each in order inside one transaction on its own connection with
/// prepared statements, commits, and only then tells each caller. Every reserve still reads the balance as the
/// previous one left it, so nothing is overspent; nothing is reported before it is durable, so a crash loses no
/// answered request. Under light load a batch is one operation and adds no wait.
/// </summary>
internal sealed partial class LedgerWriter(
    IDbContextFactory<TokenPortalDbContext> dbFactory,
    DatabaseWriteGate writeGate,
    TimeProvider clock,
    ILogger<LedgerWriter> logger) : IAsyncDisposable
{
    private const int MaxBatch = 256;

    private readonly Channel<LedgerOperation> _queue = Channel.CreateUnbounded<LedgerOperation>(
        new UnboundedChannelOptions { SingleReader = true, AllowSynchronousContinuations = false });
    private readonly Lock _startLock = new();
    private Task? _loop;
    private TokenPortalDbContext? _db;
    private LedgerStatements? _statements;

    public Task<T> RunAsync<T>(LedgerOperation<T> operation)
    {
        operation.CancellationToken.ThrowIfCancellationRequested();
        EnsureStarted();
        if (!_queue.Writer.TryWrite(operation))
            throw new LedgerWriteException(new ObjectDisposedException(nameof(LedgerWriter)));
        return operation.Task;
    }

    private void EnsureStarted()
    {
        if (_loop is not null)
            return;
        lock (_startLock)
        {
            // Not the first caller's context: its request's activity and log scopes must not follow every later write.
            using (ExecutionContext.SuppressFlow())
                _loop ??= Task.Run(WriteLoopAsync);
        }
    }

    private async Task WriteLoopAsync()
    {
        var batch = new List<LedgerOperation>(MaxBatch);
        while (await _queue.Reader.WaitToReadAsync())
        {
            while (batch.Count < MaxBatch && _queue.Reader.TryRead(out var operation))
            {
                if (operation.CancellationToken.IsCancellationRequested)
                    operation.Cancel();
                else
                    batch.Add(operation);
            }
            if (batch.Count > 0)
                await WriteBatchAsync(batch);
            batch.Clear();
        }
        await CloseAsync();
    }

    private async Task WriteBatchAsync(List<LedgerOperation> batch)
    {
        using var _ = await writeGate.EnterAsync(CancellationToken.None);
        try
        {
            await RunInTransactionAsync(batch);
            foreach (var operation in batch)
                operation.Publish();
            return;
        }
        catch (Exception ex) when (batch.Count > 1 && IsOneOperationsFault(ex))
        {
            // One operation may be the cause: give each its own transaction, so only that one fails.
            LogBatchRetried(logger, ex, batch.Count);
        }
        catch (Exception ex)
        {
            // The database itself failed (busy, locked, gone): every caller hears it now, rather than once per retry.
            foreach (var operation in batch)
                operation.Fail(LedgerWriteException.Wrap(ex));
            return;
        }
        foreach (var operation in batch)
        {
            try
            {
                await RunInTransactionAsync([operation]);
                operation.Publish();
            }
            catch (Exception ex)
            {
                operation.Fail(LedgerWriteException.Wrap(ex));
            }
        }
    }

    /// <summary>A conflict with another process's write, or a constraint one operation broke.</summary>
    private static bool IsOneOperationsFault(Exception ex) => ex is LedgerConflictException or SqliteException { SqliteErrorCode: 19 };

    private async Task RunInTransactionAsync(IReadOnlyList<LedgerOperation> operations)
    {
        try
        {
            var sql = await StatementsAsync();
            await using var tx = await _db!.Database.GetDbConnection().BeginTransactionAsync();
            sql.Transaction = tx;
            var now = clock.GetUtcNow().ToUnixTimeMilliseconds();
            foreach (var operation in operations)
                await operation.ExecuteAsync(sql, now);
            await tx.CommitAsync();
        }
        catch (Exception ex) when (!IsOneOperationsFault(ex))
        {
            // A fresh connection next time: a failed one may hold a broken transaction or statements.
            await CloseAsync();
            throw;
        }
    }

    private async Task<LedgerStatements> StatementsAsync()
    {
        if (_statements is not null)
            return _statements;
        _db = await dbFactory.CreateDbContextAsync();
        await _db.Database.OpenConnectionAsync();
        return _statements = await LedgerStatements.PrepareAsync(_db.Database.GetDbConnection());
    }

    private async Task CloseAsync()
    {
        var (statements, db) = (_statements, _db);
        (_statements, _db) = (null, null);
        try
        {
            if (statements is not null)
                await statements.DisposeAsync();
            if (db is not null)
                await db.DisposeAsync();
        }
        catch (Exception ex)
        {
            // Closing a connection that already failed may fail too; the next batch opens a new one regardless.
            LogCloseFailed(logger, ex);
        }
    }

    public async ValueTask DisposeAsync()
    {
        _queue.Writer.TryComplete();
        if (_loop is not null)
            await _loop;
    }

    [LoggerMessage(Level = LogLevel.Debug, Message = "Closing the ledger writer's failed connection failed as well.")]
    private static partial void LogCloseFailed(ILogger logger, Exception exception);

    [LoggerMessage(Level = LogLevel.Warning, Message = "A batch of {Count} ledger writes failed; retrying each on its own.")]
    private static partial void LogBatchRetried(ILogger logger, Exception exception, int count);
}
