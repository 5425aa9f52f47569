using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging;
using TokenPortal.Core.Billing;
using TokenPortal.Core.Data;
using TokenPortal.Core.Data.Entities;

namespace TokenPortal.Core.Metering;

/// <summary>
/// Log rows a stopped server never wrote. The ledger commits a request's charge before its log row is written (the log
/// writer batches behind requests), so a server killed mid-batch, or a backup taken while it serves, holds charges
/// with no log row: money right, history missing. At start, each such charge gets a row rebuilt from the ledger
/// (its user, time and exact cost; model and key unknown, marked <see cref="ErrorCode"/>), so the user's log and
/// dashboard add up to what they paid and the audit agrees. While other servers run, only charges older than
/// <see cref="OthersGrace"/> count as lost: a younger one may still be in another server's queue.
/// </summary>
internal sealed partial class LostLogRows(IDbContextFactory<TokenPortalDbContext> dbFactory, IRequestLogSink log, ServerInstance server, TimeProvider clock, ILogger<LostLogRows> logger)
{
    public const string ErrorCode = "log_rebuilt_from_ledger";

    public const string Unknown = "unknown";

    private static readonly TimeSpan OthersGrace = TimeSpan.FromMinutes(10);

    public async Task<int> RebuildAsync(CancellationToken cancellationToken)
    {
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        var now = clock.GetUtcNow();
        var othersRunning = await db.Instances.AnyAsync(i => i.Id != server.Id, cancellationToken);
        var before = othersRunning ? now - OthersGrace : now;
        var lost = await db.Database.SqlQueryRaw<LostCharge>("""
            SELECT s."RequestId" AS "RequestId", s."UserId" AS "UserId", s."CreatedAt" AS "CreatedAt", -s."AmountMicros" AS "CostMicros",
                COALESCE((SELECT SUM(w."AmountMicros") FROM "Ledger" AS w WHERE w."RequestId" = s."RequestId" AND w."Kind" = 6), 0) AS "WrittenOffMicros"
            FROM "Ledger" AS s
            WHERE s."Kind" = 4 AND s."CreatedAt" < {0}
              AND NOT EXISTS (SELECT 1 FROM "RequestLogs" AS q WHERE q."RequestId" = s."RequestId")
            """, before.ToUnixTimeMilliseconds()).ToListAsync(cancellationToken);
        foreach (var charge in lost)
        {
            log.Write(new RequestLogRecord
            {
                RequestId = charge.RequestId!,
                CreatedAt = DateTimeOffset.FromUnixTimeMilliseconds(charge.CreatedAt),
                UserId = charge.UserId,
                KeyPrefix = "",
                Model = Unknown,
                Provider = Unknown,
                Status = 200, // only generated tokens are charged: the request was answered
                ErrorCode = ErrorCode,
                CostMicros = charge.CostMicros - charge.WrittenOffMicros, // what the balance paid, as the log writer records it
                WrittenOffMicros = charge.WrittenOffMicros,
            });
        }
        if (lost.Count > 0)
            LogRebuilt(logger, lost.Count, lost.Sum(c => c.CostMicros));
        return lost.Count;
    }

    /// <param name="CostMicros">The whole cost the ledger settled, written-off part included.</param>
    private sealed record LostCharge(string? RequestId, string UserId, long CreatedAt, long CostMicros, long WrittenOffMicros);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Rebuilt {Count} request log rows a stopped server never wrote, from their ledger charges ({Micros} micro-USD).")]
    private static partial void LogRebuilt(ILogger logger, int count, long micros);
}
