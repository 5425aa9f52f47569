using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using TokenPortal.Core.Admin;
using TokenPortal.Core.Configuration;
using TokenPortal.Core.Data;
using TokenPortal.Core.Data.Entities;

namespace TokenPortal.Core.Keys;

/// <inheritdoc />
internal sealed class ApiKeyService(
    IDbContextFactory<TokenPortalDbContext> dbFactory,
    DatabaseWriteGate writeGate,
    IApiKeyAuthenticator authenticator,
    ApiKeySpecRules rules,
    IOptionsMonitor<TokenPortalOptions> options,
    ChangeStamp changes,
    IAuditLog audit,
    TimeProvider clock) : IApiKeyService
{
    public async Task<CreatedApiKey> CreateAsync(string userId, ApiKeySpec spec, CancellationToken cancellationToken, string? actor = null)
    {
        rules.Check(spec);
        var plain = ApiKeyFormat.Generate();
        var record = new ApiKey
        {
            UserId = userId,
            Name = spec.Name.Trim(),
            Prefix = ApiKeyFormat.Prefix(plain),
            Hash = ApiKeyFormat.Hash(plain),
            CreatedAt = clock.GetUtcNow(),
            ExpiresAt = spec.ExpiresAt,
            AllowedModels = rules.StoredModels(spec),
            Rpm = spec.Rpm,
            Tpm = spec.Tpm,
            MaxMicrosPerRequest = spec.MaxMicrosPerRequest,
            BudgetMicros = spec.BudgetMicros,
        };

        // Counted and added under the write gate: two keys minted at once cannot both take the last place.
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        using (await writeGate.EnterAsync(cancellationToken))
        {
            if (!await db.Users.AnyAsync(u => u.Id == userId, cancellationToken))
                throw new ApiKeySpecException($"No user has id '{userId}'.");
            var most = options.CurrentValue.Defaults.MaxKeysPerUser;
            if (await db.ApiKeys.CountAsync(k => k.UserId == userId && k.RevokedAt == null, cancellationToken) >= most)
                throw new ApiKeySpecException($"You already have {most} active keys, the most allowed; revoke one you no longer use first.");
            db.ApiKeys.Add(record);
            await db.SaveChangesAsync(cancellationToken);
        }
        await ApiKeyAudit.WriteAsync(audit, db, "key.create", record, actor, cancellationToken);
        return new CreatedApiKey(plain, record);
    }

    public async Task<IReadOnlyList<ApiKey>> ListAsync(string userId, CancellationToken cancellationToken)
    {
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        return await db.ApiKeys.AsNoTracking().Where(k => k.UserId == userId).OrderByDescending(k => k.Id).ToListAsync(cancellationToken);
    }

    public async Task<RevokeResult> RevokeAsync(string userId, long keyId, CancellationToken cancellationToken)
    {
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        var key = await db.ApiKeys.SingleOrDefaultAsync(k => k.Id == keyId && k.UserId == userId, cancellationToken);
        return await RevokeAsync(db, key, actor: null, cancellationToken);
    }

    public async Task<RevokeResult> RevokeAsync(string prefixOrKey, string actor, CancellationToken cancellationToken)
    {
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        List<ApiKey> matches;
        if (prefixOrKey.Length == ApiKeyFormat.KeyLength)
        {
            var hash = ApiKeyFormat.Hash(prefixOrKey);
            matches = await db.ApiKeys.Where(k => k.Hash == hash).ToListAsync(cancellationToken);
        }
        else if (prefixOrKey.Length == ApiKeyFormat.PrefixLength)
        {
            matches = await db.ApiKeys.Where(k => k.Prefix == prefixOrKey).ToListAsync(cancellationToken);
        }
        else
        {
            return RevokeResult.NotFound;
        }

        var active = matches.Where(k => k.RevokedAt is null).ToList();
        if (matches.Count == 0)
            return RevokeResult.NotFound;
        if (active.Count == 0)
            return RevokeResult.AlreadyRevoked;
        if (active.Count > 1)
            return RevokeResult.Ambiguous;

        return await RevokeAsync(db, active[0], actor, cancellationToken);
    }

    private async Task<RevokeResult> RevokeAsync(TokenPortalDbContext db, ApiKey? key, string? actor, CancellationToken cancellationToken)
    {
        if (key is null)
            return RevokeResult.NotFound;
        if (key.RevokedAt is not null)
            return RevokeResult.AlreadyRevoked;
        key.RevokedAt = clock.GetUtcNow();
        await db.SaveChangesAsync(cancellationToken);
        authenticator.Invalidate(key.Hash);
        changes.Publish();
        await ApiKeyAudit.WriteAsync(audit, db, "key.revoke", key, actor, cancellationToken);
        return RevokeResult.Revoked;
    }
}
