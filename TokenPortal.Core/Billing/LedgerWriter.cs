using System.Threading.Channels;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging;
using TokenPortal.Core.Data;

namespace TokenPortal.Core.Billing;

/// <summary>
/// Group commit for the request path's ledger writes. Reservations, settles and balance reads queue here; one writer
/// takes everything queued (up to <see cref="MaxBatch"/>), runs each in order inside one transaction on its own
/// connection with prepared statements, commits, and only then tells each operation (which tells the
/// <see cref="ReservationBook"/> and any caller waiting). Requests do not wait for their reservation or settle: a crash before the commit loses those
/// requests' charges, exactly as a crash during the request would (reservations left open are released by a survivor
/// or at the next start).
/// </summary>
internal sealed partial class LedgerWriter(
    IDbContextFactory<TokenPortalDbContext> dbFactory,
    DatabaseWriteGate writeGate,
    ServerInstance server,
    TimeProvider clock,
    Telemetry.TokenPortalMetrics metrics,
    ILogger<LedgerWriter> logger) : IAsyncDisposable
{
    private const int MaxBatch = 256;

    /// <summary>
    /// How long writes nobody waits for (reservations, settles behind answers) may gather before they are committed
    /// together. A crash loses at most this much of them, which costs only the operator: reservations left open are
    /// released at start.
    /// </summary>
    internal static readonly TimeSpan Linger = TimeSpan.FromMilliseconds(10);

    private readonly Channel<LedgerOperation> _queue = Channel.CreateUnbounded<LedgerOperation>(
        new UnboundedChannelOptions { SingleReader = true, AllowSynchronousContinuations = false });
    private readonly Lock _startLock = new();
    private readonly SemaphoreSlim _wake = new(0);
    private int _urgent;
    private int _queued;
    private volatile bool _closing;
    private long _writingSince; // a Stopwatch timestamp while a batch is being written, else 0
    private Task? _loop;
    private readonly WriterConnection<LedgerStatements> _connection = new(dbFactory, LedgerStatements.PrepareAsync, logger);

    /// <summary>Runs <paramref name="operation"/> in the next commit; <paramref name="urgent"/> false lets it wait up to <see cref="Linger"/> for company.</summary>
    public Task<T> RunAsync<T>(LedgerOperation<T> operation, bool urgent = true)
    {
        operation.CancellationToken.ThrowIfCancellationRequested();
        Enqueue(operation, urgent);
        return operation.Task;
    }

    /// <summary>Queues an operation; one nobody awaits reports through its own Publish and Fail.</summary>
    public void Enqueue(LedgerOperation operation, bool urgent = false)
    {
        EnsureStarted();
        Interlocked.Increment(ref _queued);
        if (!_queue.Writer.TryWrite(operation))
        {
            Interlocked.Decrement(ref _queued);
            throw new LedgerWriteException(new ObjectDisposedException(nameof(LedgerWriter)));
        }
        if (urgent && Interlocked.Exchange(ref _urgent, 1) == 0)
            _wake.Release();
    }

    /// <summary>
    /// More is queued than a few batches hold: the database is not keeping up, and callers should wait for it
    /// (<see cref="FlushAsync"/>) rather than let the queue, and what a crash would lose, grow without end.
    /// </summary>
    public bool Backlogged => Volatile.Read(ref _queued) > 4 * MaxBatch;

    /// <summary>Operations waiting for a commit.</summary>
    public int QueueDepth => Math.Max(0, Volatile.Read(ref _queued));

    /// <summary>How long the batch being written has taken so far; zero between batches. A database that hangs shows here first.</summary>
    public TimeSpan CurrentWrite => Volatile.Read(ref _writingSince) is var since and > 0 ? clock.GetElapsedTime(since) : TimeSpan.Zero;

    /// <summary>Done once everything queued before it is committed.</summary>
    public Task FlushAsync() => RunAsync(new FlushOperation());

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
            // (A single-reader channel cannot count its items, hence our own count.)
            if (Volatile.Read(ref _urgent) == 0 && !_closing && Volatile.Read(ref _queued) < MaxBatch)
                await _wake.WaitAsync(Linger);
            // An urgent write arriving from here on is in this batch or wakes the next one.
            if (Interlocked.Exchange(ref _urgent, 0) == 1)
                _wake.Wait(0);
            while (batch.Count < MaxBatch && _queue.Reader.TryRead(out var operation))
            {
                Interlocked.Decrement(ref _queued);
                if (operation.CancellationToken.IsCancellationRequested)
                    operation.Cancel();
                else
                    batch.Add(operation);
            }
            var started = clock.GetTimestamp();
            try
            {
                Volatile.Write(ref _writingSince, started);
                if (batch.Count > 0)
                {
                    await WriteBatchAsync(batch);
                    metrics.LedgerCommitted(clock.GetElapsedTime(started));
                }
            }
            catch (Exception ex)
            {
                // A fault of ours must not stop every later write with it: this batch fails, the next is written.
                LogLoopFault(logger, ex);
                foreach (var operation in batch)
                    operation.Fail(LedgerWriteException.Wrap(ex));
            }
            finally
            {
                Volatile.Write(ref _writingSince, 0);
            }
            batch.Clear();
        }
        await _connection.CloseAsync();
    }

    private async Task WriteBatchAsync(List<LedgerOperation> batch)
    {
        using var _ = await writeGate.EnterAsync(CancellationToken.None);
        try
        {
            await RunWithRetriesAsync(batch);
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

    /// <summary>
    /// Another server's transaction and this one each waited for the other (PostgreSQL chose this one to fail): the batch
    /// is written again, a few times, before its callers hear of it. (Rows are locked in one order, which makes it rare.)
    /// </summary>
    private async Task RunWithRetriesAsync(List<LedgerOperation> batch)
    {
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                await RunInTransactionAsync(batch);
                return;
            }
            catch (Exception ex) when (DatabaseEngines.IsConflict(ex) && attempt < 4)
            {
                LogConflictRetried(logger, ex, attempt);
                await Task.Delay(Random.Shared.Next(1, 10 * attempt));
            }
        }
    }

    /// <summary>A constraint one operation broke.</summary>
    private static bool IsOneOperationsFault(Exception ex) => DatabaseEngines.IsConstraintViolation(ex);

    private async Task RunInTransactionAsync(IReadOnlyList<LedgerOperation> operations)
    {
        var pairs = PairReservationsWithSettles(operations);
        try
        {
            var (sql, connection) = await _connection.OpenAsync();
            var now = clock.GetUtcNow().ToUnixTimeMilliseconds();
            // On PostgreSQL the common cases go in one round trip; if one did not hold, the batch is written again one by one.
            for (var fast = connection is Npgsql.NpgsqlConnection; ; fast = false)
            {
                await using var tx = await connection.BeginTransactionAsync();
                sql.DrawnInTransaction.Clear();
                sql.InstanceId = server.Id;
                if (connection is Npgsql.NpgsqlConnection postgres)
                    await PostgresLedgerBatch.LockRowsAsync(postgres, operations);
                if (fast && !await PostgresLedgerBatch.TryRunAsync((Npgsql.NpgsqlConnection)connection, operations, sql, now))
                {
                    await tx.RollbackAsync();
                    foreach (var (_, settle) in pairs)
                        settle.Unpair();
                    continue;
                }
                if (!fast)
                {
                    foreach (var operation in operations)
                        await operation.ExecuteAsync(sql, now);
                }
                await tx.CommitAsync();
                break;
            }
        }
        catch (Exception ex) when (!IsOneOperationsFault(ex))
        {
            // A fresh connection next time: a failed one may hold a broken transaction or statements.
            await _connection.CloseAsync();
            throw;
        }
        finally
        {
            foreach (var (reserve, settle) in pairs)
            {
                reserve.Settle = null;
                settle.Unpair();
            }
        }
    }

    /// <summary>Each settle whose reservation is earlier in the same transaction, given to that reservation to write both as one.</summary>
    private static List<(ReserveOperation, SettleOperation)> PairReservationsWithSettles(IReadOnlyList<LedgerOperation> operations)
    {
        List<(ReserveOperation, SettleOperation)> pairs = [];
        if (operations.Count < 2)
            return pairs;
        Dictionary<Reservation, ReserveOperation>? reserves = null;
        foreach (var operation in operations)
        {
            if (operation is ReserveOperation reserve)
                (reserves ??= new(ReferenceEqualityComparer.Instance))[reserve.Reservation] = reserve;
            else if (operation is SettleOperation settle && reserves is not null && reserves.Remove(settle.Reservation, out var itsReserve))
            {
                itsReserve.Settle = settle;
                pairs.Add((itsReserve, settle));
            }
        }
        return pairs;
    }

    public async ValueTask DisposeAsync()
    {
        _closing = true;
        _queue.Writer.TryComplete();
        _wake.Release();
        if (_loop is not null)
            await _loop;
    }

    [LoggerMessage(Level = LogLevel.Critical, Message = "The ledger writer failed outside a transaction; the batch is failed and writing goes on.")]
    private static partial void LogLoopFault(ILogger logger, Exception exception);

    [LoggerMessage(Level = LogLevel.Information, Message = "A batch of ledger writes met another server's (attempt {Attempt}); writing it again.")]
    private static partial void LogConflictRetried(ILogger logger, Exception exception, int attempt);

    [LoggerMessage(Level = LogLevel.Warning, Message = "A batch of {Count} ledger writes failed; retrying each on its own.")]
    private static partial void LogBatchRetried(ILogger logger, Exception exception, int count);
}
