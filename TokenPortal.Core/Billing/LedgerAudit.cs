using Microsoft.EntityFrameworkCore;
using TokenPortal.Core.Data;

namespace TokenPortal.Core.Billing;

/// <summary>
/// The reconciliation anyone can run (<c>tokenportal admin audit</c>): every user's balance against the sum of their
/// ledger rows; what is leased of each balance and key budget against the servers' leases; every open reservation
/// against its reserve and its request still in flight (not logged yet); every reserve against its release or open
/// reservation; every logged request's charge against the ledger's settle and write-off rows.
/// Read-only. Requests in flight while it runs show only as open reservations, which is not a difference.
/// </summary>
public sealed class LedgerAudit(IDbContextFactory<TokenPortalDbContext> dbFactory)
{
    public async Task<LedgerAuditReport> RunAsync(CancellationToken cancellationToken)
    {
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        // One snapshot for every query: a write committed midway cannot look like a difference.
        await using var tx = await db.Database.BeginTransactionAsync(cancellationToken);
        var differences = new List<string>();

        foreach (var row in await db.Database.SqlQueryRaw<BalanceRow>("""
            SELECT b."UserId" AS "UserId", b."BalanceMicros" AS "BalanceMicros", COALESCE(l."Total", 0) AS "LedgerMicros"
            FROM "Balances" AS b
            LEFT JOIN (SELECT "UserId", SUM("AmountMicros") AS "Total" FROM "Ledger" GROUP BY "UserId") AS l ON l."UserId" = b."UserId"
            WHERE b."BalanceMicros" <> COALESCE(l."Total", 0) OR b."BalanceMicros" < 0
            UNION ALL
            SELECT l."UserId", 0, SUM(l."AmountMicros") FROM "Ledger" AS l
            WHERE NOT EXISTS (SELECT 1 FROM "Balances" AS b WHERE b."UserId" = l."UserId")
            GROUP BY l."UserId" HAVING SUM(l."AmountMicros") <> 0
            """).ToListAsync(cancellationToken))
        {
            differences.Add($"user {row.UserId}: balance {MicroUsd.Format(row.BalanceMicros)} USD, ledger sum {MicroUsd.Format(row.LedgerMicros)} USD");
        }

        foreach (var row in await db.Database.SqlQueryRaw<LeaseRow>("""
            SELECT 'user ' || b."UserId" AS "Owner", b."LeasedMicros" AS "LeasedMicros", COALESCE(l."Total", 0) AS "RowsMicros"
            FROM "Balances" AS b
            LEFT JOIN (SELECT "UserId", SUM("AmountMicros") AS "Total" FROM "Leases" WHERE "ApiKeyId" = 0 GROUP BY "UserId") AS l ON l."UserId" = b."UserId"
            WHERE b."LeasedMicros" <> COALESCE(l."Total", 0)
            UNION ALL
            SELECT 'key ' || CAST(k."Id" AS VARCHAR(20)), k."LeasedMicros", COALESCE(l."Total", 0)
            FROM "ApiKeys" AS k
            LEFT JOIN (SELECT "ApiKeyId", SUM("AmountMicros") AS "Total" FROM "Leases" WHERE "ApiKeyId" <> 0 GROUP BY "ApiKeyId") AS l ON l."ApiKeyId" = k."Id"
            WHERE k."LeasedMicros" <> COALESCE(l."Total", 0)
            """).ToListAsync(cancellationToken))
        {
            differences.Add($"{row.Owner}: {MicroUsd.Format(row.LeasedMicros)} USD leased, the servers' leases add up to {MicroUsd.Format(row.RowsMicros)} USD");
        }

        foreach (var row in await db.Database.SqlQueryRaw<ReservationRow>("""
            SELECT o."RequestId" AS "RequestId", o."AmountMicros" AS "AmountMicros",
                COALESCE((SELECT -SUM(g."AmountMicros") FROM "Ledger" AS g WHERE g."RequestId" = o."RequestId" AND g."Kind" = 2), 0) AS "ReservedMicros",
                (SELECT COUNT(*) FROM "Ledger" AS g WHERE g."RequestId" = o."RequestId" AND g."Kind" = 3) AS "Releases",
                (SELECT COUNT(*) FROM "RequestLogs" AS q WHERE q."RequestId" = o."RequestId") AS "LogRows"
            FROM "OpenReservations" AS o
            """).ToListAsync(cancellationToken))
        {
            if (row.ReservedMicros != row.AmountMicros)
                differences.Add($"reservation {row.RequestId}: open for {MicroUsd.Format(row.AmountMicros)} USD, reserved {MicroUsd.Format(row.ReservedMicros)} USD in the ledger");
            if (row.Releases > 0)
                differences.Add($"reservation {row.RequestId}: still open although the ledger released it");
            if (row.LogRows > 0)
                differences.Add($"reservation {row.RequestId}: still open although its request has ended (it is in the log)");
        }

        foreach (var requestId in await db.Database.SqlQueryRaw<string>("""
            SELECT DISTINCT g."RequestId" AS "Value" FROM "Ledger" AS g
            WHERE g."Kind" = 2
              AND NOT EXISTS (SELECT 1 FROM "Ledger" AS x WHERE x."RequestId" = g."RequestId" AND x."Kind" = 3)
              AND NOT EXISTS (SELECT 1 FROM "OpenReservations" AS o WHERE o."RequestId" = g."RequestId")
            """).ToListAsync(cancellationToken))
        {
            differences.Add($"reservation {requestId}: reserved in the ledger, never released, and not open");
        }

        foreach (var row in await db.Database.SqlQueryRaw<ChargeRow>("""
            SELECT q."RequestId" AS "RequestId", q."CostMicros" AS "LoggedMicros", q."WrittenOffMicros" AS "LoggedWrittenOffMicros",
                COALESCE(c."Charged", 0) AS "ChargedMicros", COALESCE(c."WrittenOff", 0) AS "WrittenOffMicros"
            FROM "RequestLogs" AS q
            LEFT JOIN (
                SELECT "RequestId",
                    -SUM(CASE WHEN "Kind" IN (4, 6) THEN "AmountMicros" ELSE 0 END) AS "Charged",
                    SUM(CASE WHEN "Kind" = 6 THEN "AmountMicros" ELSE 0 END) AS "WrittenOff"
                FROM "Ledger" WHERE "RequestId" IS NOT NULL GROUP BY "RequestId") AS c ON c."RequestId" = q."RequestId"
            WHERE q."CostMicros" <> COALESCE(c."Charged", 0) OR q."WrittenOffMicros" <> COALESCE(c."WrittenOff", 0)
            """).ToListAsync(cancellationToken))
        {
            differences.Add($"request {row.RequestId}: the log says charged {MicroUsd.Format(row.LoggedMicros)} USD (written off {MicroUsd.Format(row.LoggedWrittenOffMicros)}), " +
                $"the ledger {MicroUsd.Format(row.ChargedMicros)} USD (written off {MicroUsd.Format(row.WrittenOffMicros)})");
        }

        foreach (var requestId in await db.Database.SqlQueryRaw<string>("""
            SELECT DISTINCT g."RequestId" AS "Value" FROM "Ledger" AS g
            WHERE g."Kind" = 4 AND NOT EXISTS (SELECT 1 FROM "RequestLogs" AS q WHERE q."RequestId" = g."RequestId")
            """).ToListAsync(cancellationToken))
        {
            differences.Add($"request {requestId}: settled in the ledger but missing from the log");
        }

        var users = await db.Balances.CountAsync(cancellationToken);
        var rows = await db.Ledger.LongCountAsync(cancellationToken);
        var open = await db.OpenReservations.CountAsync(cancellationToken);
        return new LedgerAuditReport(users, rows, open, differences);
    }

    private sealed record BalanceRow(string UserId, long BalanceMicros, long LedgerMicros);

    private sealed record LeaseRow(string Owner, long LeasedMicros, long RowsMicros);

    private sealed record ReservationRow(string RequestId, long AmountMicros, long ReservedMicros, long Releases, long LogRows);

    private sealed record ChargeRow(string RequestId, long LoggedMicros, long LoggedWrittenOffMicros, long ChargedMicros, long WrittenOffMicros);
}
