using Microsoft.EntityFrameworkCore;
using TokenPortal.Core.Data;
using TokenPortal.Core.Data.Entities;

namespace TokenPortal.Core.Admin;

/// <inheritdoc />
internal sealed class AuditLog(IDbContextFactory<TokenPortalDbContext> dbFactory, DatabaseWriteGate writeGate, TimeProvider clock) : IAuditLog
{
    public async Task WriteAsync(string actor, string action, string target, string? detail, CancellationToken cancellationToken)
    {
        using var _ = await writeGate.EnterAsync(cancellationToken);
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        db.AuditLog.Add(new AuditEntry { At = clock.GetUtcNow(), Actor = Clip(actor, 256), Action = action, Target = Clip(target, 256), Detail = detail is null ? null : Clip(detail, 1000) });
        await db.SaveChangesAsync(cancellationToken);
    }

    public async Task<(IReadOnlyList<AuditEntry> Rows, int TotalCount)> SearchAsync(string? search, int skip, int take, CancellationToken cancellationToken)
    {
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        var query = db.AuditLog.AsNoTracking();
        if (!string.IsNullOrWhiteSpace(search))
        {
            var needle = search.Trim();
            query = query.Where(e => e.Actor.Contains(needle) || e.Action.Contains(needle) || e.Target.Contains(needle));
        }
        var total = await query.CountAsync(cancellationToken);
        var rows = await query.OrderByDescending(e => e.Id).Skip(Math.Max(0, skip)).Take(Math.Clamp(take, 1, 200)).ToListAsync(cancellationToken);
        return (rows, total);
    }

    private static string Clip(string text, int length) => text.Length <= length ? text : text[..length];
}
