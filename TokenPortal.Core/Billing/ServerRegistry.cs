using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging;
using TokenPortal.Core.Data;
using TokenPortal.Core.Data.Entities;

namespace TokenPortal.Core.Billing;

/// <summary>
/// This server's row in the Instances table: registered at start, kept alive by heartbeats (which also count the
/// servers alive and keep the <see cref="ReservationBook"/>'s leases valid), and removed, its leases returned, on the way down.
/// </summary>
internal sealed partial class ServerRegistry(
    IDbContextFactory<TokenPortalDbContext> dbFactory,
    DatabaseWriteGate writeGate,
    LedgerWriter writer,
    ReservationBook book,
    ServerInstance server,
    TimeProvider clock,
    ILogger<ServerRegistry> logger)
{
    public async Task RegisterAsync(CancellationToken cancellationToken)
    {
        var timestamp = clock.GetTimestamp();
        var now = clock.GetUtcNow();
        await using (var db = await dbFactory.CreateDbContextAsync(cancellationToken))
        using (await writeGate.EnterAsync(cancellationToken))
        {
            db.Instances.Add(new ServerInstanceRecord { Id = server.Id, Host = ServerInstance.Host, StartedAt = now, HeartbeatAt = now });
            await db.SaveChangesAsync(cancellationToken);
        }
        book.Renewed(timestamp, server.LeaseValidity);
    }

    /// <summary>
    /// Says this server is alive and counts the servers that are. A server another took for gone (its row removed, its
    /// leases and reservations taken back) forgets its leases and rejoins under a new name.
    /// </summary>
    public async Task HeartbeatAsync(CancellationToken cancellationToken)
    {
        var timestamp = clock.GetTimestamp();
        var now = clock.GetUtcNow();
        int beating;
        await using (var db = await dbFactory.CreateDbContextAsync(cancellationToken))
        {
            using (await writeGate.EnterAsync(cancellationToken))
                beating = await db.Instances.Where(i => i.Id == server.Id).ExecuteUpdateAsync(i => i.SetProperty(x => x.HeartbeatAt, now), cancellationToken);
            var cutoff = now - server.Deadline;
            server.LiveServers = await db.Instances.CountAsync(i => i.HeartbeatAt >= cutoff, cancellationToken);
        }
        if (beating == 1)
        {
            book.Renewed(timestamp, server.LeaseValidity);
            return;
        }
        LogTakenForGone(logger, server.Id);
        book.ForgetAll();
        server.Rename();
        await RegisterAsync(cancellationToken);
    }

    /// <summary>Gives back the leases nobody used since the last sweep (all of them while other servers run); returns the amount.</summary>
    public Task<long> ReturnLeasesAsync(bool all)
    {
        var scopes = book.Sweep(returnActive: all || server.LiveServers > 1);
        return scopes.Count == 0 ? Task.FromResult(0L) : writer.RunAsync(new LeaseReturnOperation(scopes, book));
    }

    /// <summary>
    /// A key's budget is about to change: gives back what this server leased of it and has not promised (with one server,
    /// most of the budget), so a lower budget can still cover what is spent, reserved and leased.
    /// </summary>
    public Task<long> ReturnKeyLeaseAsync(string userId, long keyId) =>
        writer.RunAsync(new LeaseReturnOperation([new LeaseScope(userId, keyId)], book));

    /// <summary>On the way down, once requests have drained: leases go back and the row goes, so nobody waits for the deadline.</summary>
    public async Task DeregisterAsync(CancellationToken cancellationToken)
    {
        await ReturnLeasesAsync(all: true);
        await writer.FlushAsync();
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        using (await writeGate.EnterAsync(cancellationToken))
        {
            await db.Instances.Where(i => i.Id == server.Id).ExecuteDeleteAsync(cancellationToken);
            // Gone now: whatever is still leased (a grant whose request did not drain) goes back with the rows.
            await ServerLeases.ReturnThoseOfGoneServersAsync(db, server, clock.GetUtcNow(), cancellationToken);
        }
    }

    [LoggerMessage(Level = LogLevel.Error, Message = "Server {Id} missed its heartbeats long enough that another took it for gone and released its reservations; it rejoins under a new name.")]
    private static partial void LogTakenForGone(ILogger logger, string id);
}
