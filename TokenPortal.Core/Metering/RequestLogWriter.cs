using System.Threading.Channels;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using TokenPortal.Core.Data;
using TokenPortal.Core.Data.Entities;
using TokenPortal.Core.Usage;

namespace TokenPortal.Core.Metering;

/// <summary>
/// Writes request log rows off the hot path, many per transaction. On graceful shutdown it waits for the rows whose
/// settle is still being written, then stops taking rows and writes everything queued before returning, so no row is lost.
/// </summary>
internal sealed partial class RequestLogWriter(
    IDbContextFactory<TokenPortalDbContext> dbFactory,
    DatabaseWriteGate writeGate,
    TimeProvider clock,
    Telemetry.TokenPortalMetrics metrics,
    ILogger<RequestLogWriter> logger) : IRequestLogSink, IHostedService
{
    private const int MaxBatch = 500;

    /// <summary>
    /// How long rows gather before one commit writes them all. The log is metadata: a tenth of a second late on the
    /// dashboard is nothing, and ten commits a second instead of one per request is CPU the requests keep.
    /// </summary>
    private static readonly TimeSpan Linger = TimeSpan.FromMilliseconds(100);

    private readonly Channel<RequestLogRecord> _queue = Channel.CreateUnbounded<RequestLogRecord>(
        new UnboundedChannelOptions { SingleReader = true });
    private Task? _loop;
    private readonly WriterConnection<RequestLogStatements> _connection = new(dbFactory, RequestLogStatements.PrepareAsync, logger);
    private long _pending;
    private long _settling;
    private volatile bool _stopping;
    private readonly SemaphoreSlim _wake = new(0);

    /// <summary>Rows not yet committed, including those whose settle is still being written.</summary>
    public long Pending => Math.Max(0, Interlocked.Read(ref _pending));

    public void Write(RequestLogRecord record)
    {
        Interlocked.Increment(ref _pending);
        if (!_queue.Writer.TryWrite(record))
        {
            Interlocked.Decrement(ref _pending);
            LogDroppedAfterShutdown(logger, record.RequestId);
        }
    }

    public void Write(RequestLogRecord record, Task<Billing.Settlement?>? settlement)
    {
        if (settlement is null || settlement.IsCompletedSuccessfully)
        {
            if (settlement is not null)
                Record(record, settlement.Result);
            Write(record);
            return;
        }
        // Counted as pending from now, so a flush also waits for rows whose settle is still being written, and as
        // settling, so a shutdown does too.
        Interlocked.Increment(ref _pending);
        Interlocked.Increment(ref _settling);
        _ = WriteWhenSettledAsync(record, settlement);
    }

    /// <summary>
    /// A settle that could not be written charged nothing (null), and that is what the row says. The cost metric is
    /// counted here too, where the charge is known to the micro-dollar, rather than by a second wait on every settle.
    /// </summary>
    private void Record(RequestLogRecord record, Billing.Settlement? settled)
    {
        (record.CostMicros, record.WrittenOffMicros) = settled is { } s ? (s.ChargedMicros, s.WrittenOffMicros) : (0, 0);
        metrics.Charged(record.Model, record.Provider, record.CostMicros);
    }

    private async Task WriteWhenSettledAsync(RequestLogRecord record, Task<Billing.Settlement?> settlement)
    {
        try
        {
            Record(record, await settlement);
        }
        catch (Exception ex)
        {
            record.CostMicros = 0;
            LogSettlementFailed(logger, ex, record.RequestId);
        }
        Write(record);
        Interlocked.Decrement(ref _pending);
        Interlocked.Decrement(ref _settling);
    }

    public Task StartAsync(CancellationToken cancellationToken)
    {
        _loop = Task.Run(WriteLoopAsync, CancellationToken.None);
        return Task.CompletedTask;
    }

    public async Task StopAsync(CancellationToken cancellationToken)
    {
        _stopping = true;
        // A request that has ended may still wait for its settle to be committed (the ledger writer outlives this
        // service); its row belongs in the log, so the queue stays open for it, up to the host's shutdown timeout.
        while (Interlocked.Read(ref _settling) > 0 && !cancellationToken.IsCancellationRequested)
            await Task.Delay(5, CancellationToken.None);
        _queue.Writer.TryComplete();
        if (_wake.CurrentCount == 0)
            _wake.Release();
        if (_loop is not null)
            await _loop.WaitAsync(cancellationToken);
    }

    /// <summary>Waits until every row queued so far is in the database (tests and benchmarks).</summary>
    internal async Task FlushAsync(CancellationToken cancellationToken)
    {
        while (Interlocked.Read(ref _pending) > 0)
        {
            if (_wake.CurrentCount == 0)
                _wake.Release();
            await Task.Delay(10, cancellationToken);
        }
    }

    private async Task WriteLoopAsync()
    {
        var batch = new List<RequestLogRecord>(MaxBatch);
        while (await _queue.Reader.WaitToReadAsync())
        {
            // Rows gather for a moment: one commit for many, instead of one per request under light load.
            if (!_stopping && Interlocked.Read(ref _pending) < MaxBatch)
                await _wake.WaitAsync(Linger);
            while (batch.Count < MaxBatch && _queue.Reader.TryRead(out var record))
                batch.Add(record);
            await WriteBatchAsync(batch);
            if (OldestLiveRow(batch) is { } oldest)
                metrics.RequestLogCommitted(clock.GetUtcNow() - oldest);
            Interlocked.Add(ref _pending, -batch.Count);
            batch.Clear();
        }
        await _connection.CloseAsync();
    }

    /// <summary>When the batch's oldest row's request ended; rows rebuilt at start from old charges say nothing of the writer's lag.</summary>
    private static DateTimeOffset? OldestLiveRow(List<RequestLogRecord> batch)
    {
        DateTimeOffset? oldest = null;
        foreach (var row in batch)
        {
            if (row.ErrorCode != LostLogRows.ErrorCode && (oldest is null || row.CreatedAt < oldest))
                oldest = row.CreatedAt;
        }
        return oldest;
    }

    private async Task WriteBatchAsync(List<RequestLogRecord> batch)
    {
        // Retries a failing database a few times; the rows are metadata, billing never depends on them.
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                using var _ = await writeGate.EnterAsync(CancellationToken.None);
                await InsertAsync(batch);
                return;
            }
            catch (Exception ex) when (attempt < 5 && ex is not OperationCanceledException)
            {
                LogWriteRetry(logger, ex, batch.Count, attempt);
                await Task.Delay(TimeSpan.FromMilliseconds(200 * attempt));
            }
            catch (Exception ex)
            {
                LogWriteFailed(logger, ex, batch.Count);
                return;
            }
        }
    }

    /// <summary>
    /// One transaction on the writer's own connection, the prepared insert reused for every row, and the batch's totals
    /// added to the dashboard rollups: the write gate is held as briefly as it can be, and the rollups never drift from the log.
    /// </summary>
    private async Task InsertAsync(List<RequestLogRecord> batch)
    {
        try
        {
            var (sql, connection) = await _connection.OpenAsync();
            await using var tx = await connection.BeginTransactionAsync();
            await sql.WriteAsync(batch);
            await tx.CommitAsync();
        }
        catch
        {
            await _connection.CloseAsync();
            throw;
        }
    }

    [LoggerMessage(Level = LogLevel.Error, Message = "The settle of request {RequestId} failed; its log row records no charge.")]
    private static partial void LogSettlementFailed(ILogger logger, Exception exception, string requestId);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Request log row {RequestId} arrived after shutdown and was not written.")]
    private static partial void LogDroppedAfterShutdown(ILogger logger, string requestId);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Writing {Count} request log rows failed (attempt {Attempt}); retrying.")]
    private static partial void LogWriteRetry(ILogger logger, Exception exception, int count, int attempt);

    [LoggerMessage(Level = LogLevel.Error, Message = "Writing {Count} request log rows failed for good; they are lost.")]
    private static partial void LogWriteFailed(ILogger logger, Exception exception, int count);
}
