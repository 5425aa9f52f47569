using Microsoft.EntityFrameworkCore;
using TokenPortal.Core.Data;
using TokenPortal.Core.Data.Entities;

namespace TokenPortal.Core.Accounts;

/// <summary>Remembers when each passkey last signed its owner in, for the passkeys list.</summary>
public sealed class PasskeyUses(IDbContextFactory<TokenPortalDbContext> dbFactory, TimeProvider clock)
{
    public async Task RecordAsync(string userId, byte[] credentialId, CancellationToken cancellationToken)
    {
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        var now = clock.GetUtcNow();
        var updated = await db.PasskeyUses.Where(u => u.UserId == userId && u.CredentialId == credentialId)
            .ExecuteUpdateAsync(u => u.SetProperty(x => x.LastUsedAt, now), cancellationToken);
        if (updated > 0)
            return;
        db.PasskeyUses.Add(new PasskeyUse { UserId = userId, CredentialId = credentialId, LastUsedAt = now });
        try
        {
            await db.SaveChangesAsync(cancellationToken);
        }
        catch (DbUpdateException e) when (DatabaseEngines.IsUniqueViolation(e))
        {
            // Two sign-ins with the same passkey at once: the other one recorded the same moment.
        }
    }

    /// <summary>The last use of each of the user's passkeys, by credential id (base64url).</summary>
    public async Task<IReadOnlyDictionary<string, DateTimeOffset>> LastUsedAsync(string userId, CancellationToken cancellationToken)
    {
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        var uses = await db.PasskeyUses.AsNoTracking().Where(u => u.UserId == userId).ToListAsync(cancellationToken);
        return uses.ToDictionary(u => System.Buffers.Text.Base64Url.EncodeToString(u.CredentialId), u => u.LastUsedAt);
    }
}
