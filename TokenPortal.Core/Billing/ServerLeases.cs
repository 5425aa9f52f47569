using Microsoft.EntityFrameworkCore;
using TokenPortal.Core.Data;

namespace TokenPortal.Core.Billing;

/// <summary>Takes back the leases of servers that are gone, so their money is free for the survivors.</summary>
internal static class ServerLeases
{
    /// <summary>
    /// Removes the servers whose heartbeat is past the deadline (on SQLite, every other: one server per file) and
    /// returns every lease whose server is no longer registered, in one transaction. Each lease row is deleted before
    /// its money is counted back, so two survivors doing this at once never return a lease twice.
    /// </summary>
    public static async Task ReturnThoseOfGoneServersAsync(TokenPortalDbContext db, ServerInstance server, DateTimeOffset now, CancellationToken cancellationToken)
    {
        await using var tx = await db.Database.BeginTransactionAsync(cancellationToken);
        var cutoff = db.Database.IsSqlite() ? long.MaxValue : (now - server.Deadline).ToUnixTimeMilliseconds();
        await db.Database.ExecuteSqlRawAsync("""DELETE FROM "Instances" WHERE "Id" <> {0} AND "HeartbeatAt" < {1}""", [server.Id, cutoff], cancellationToken);
        var leases = await db.Database.SqlQueryRaw<LeaseRow>("""
            DELETE FROM "Leases" WHERE "InstanceId" NOT IN (SELECT "Id" FROM "Instances")
            RETURNING "UserId", "ApiKeyId", "AmountMicros"
            """).ToListAsync(cancellationToken);
        foreach (var lease in leases)
        {
            if (lease.ApiKeyId == 0)
                await db.Database.ExecuteSqlRawAsync("""UPDATE "Balances" SET "LeasedMicros" = "LeasedMicros" - {0} WHERE "UserId" = {1}""",
                    [lease.AmountMicros, lease.UserId], cancellationToken);
            else
                await db.Database.ExecuteSqlRawAsync("""UPDATE "ApiKeys" SET "LeasedMicros" = "LeasedMicros" - {0} WHERE "Id" = {1}""",
                    [lease.AmountMicros, lease.ApiKeyId], cancellationToken);
        }
        await tx.CommitAsync(cancellationToken);
    }

    private sealed record LeaseRow(string UserId, long ApiKeyId, long AmountMicros);
}
