using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using TokenPortal.Core.Admin;
using TokenPortal.Core.Billing;
using TokenPortal.Core.Configuration;
using TokenPortal.Core.Data;
using TokenPortal.Core.Data.Entities;
using TokenPortal.Core.RateLimiting;

namespace TokenPortal.Core.Keys;

/// <inheritdoc />
internal sealed class ApiKeyEditor(
    IDbContextFactory<TokenPortalDbContext> dbFactory,
    DatabaseWriteGate writeGate,
    ApiKeySpecRules rules,
    IApiKeyAuthenticator authenticator,
    ServerRegistry servers,
    ReservationBook book,
    IOptionsMonitor<TokenPortalOptions> options,
    ChangeStamp changes,
    IAuditLog audit,
    TimeProvider clock) : IApiKeyEditor
{
    public async Task<ApiKeyChangeResult> UpdateAsync(string userId, long keyId, ApiKeySpec spec, CancellationToken cancellationToken)
    {
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        var key = await db.ApiKeys.AsNoTracking().SingleOrDefaultAsync(k => k.Id == keyId && k.UserId == userId, cancellationToken);
        if (key is null)
            return ApiKeyChangeResult.NotFound;
        if (key.RevokedAt is not null)
            return ApiKeyChangeResult.Revoked;
        rules.Check(spec, keptExpiry: key.ExpiresAt);

        var name = spec.Name.Trim();
        var models = rules.StoredModels(spec);
        var budget = spec.BudgetMicros;
        var budgetChanges = budget != key.BudgetMicros;
        if (budgetChanges)
            await servers.ReturnKeyLeaseAsync(userId, keyId);

        int changed;
        using (await writeGate.EnterAsync(cancellationToken))
        {
            // One conditional statement: the table's check constraint wants spent, reserved and leased within the budget,
            // and requests move those amounts concurrently.
            changed = await db.ApiKeys
                .Where(k => k.Id == keyId && k.RevokedAt == null && (budget == null || k.SpentMicros + k.ReservedMicros + k.LeasedMicros <= budget))
                .ExecuteUpdateAsync(set => set
                    .SetProperty(k => k.Name, name)
                    .SetProperty(k => k.AllowedModels, models)
                    .SetProperty(k => k.Rpm, spec.Rpm)
                    .SetProperty(k => k.Tpm, spec.Tpm)
                    .SetProperty(k => k.MaxMicrosPerRequest, spec.MaxMicrosPerRequest)
                    .SetProperty(k => k.BudgetMicros, budget)
                    .SetProperty(k => k.ExpiresAt, spec.ExpiresAt), cancellationToken);
        }
        if (changed == 0)
            return await RefusedAsync(db, keyId, cancellationToken);

        if (budgetChanges)
            book.Forget(new LeaseScope(userId, keyId));
        Announce(key);
        key.Name = name;
        await ApiKeyAudit.WriteAsync(audit, db, "key.update", key, actor: null, cancellationToken);
        return ApiKeyChangeResult.Changed;
    }

    public async Task<ApiKeyChangeResult> SetDisabledAsync(string userId, long keyId, bool disabled, CancellationToken cancellationToken)
    {
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        var key = await db.ApiKeys.AsNoTracking().SingleOrDefaultAsync(k => k.Id == keyId && k.UserId == userId, cancellationToken);
        if (key is null)
            return ApiKeyChangeResult.NotFound;
        DateTimeOffset? now = clock.GetUtcNow();
        int changed;
        using (await writeGate.EnterAsync(cancellationToken))
        {
            var live = db.ApiKeys.Where(k => k.Id == keyId && k.RevokedAt == null);
            // A key disabled twice keeps the first instant.
            changed = disabled
                ? await live.ExecuteUpdateAsync(set => set.SetProperty(k => k.DisabledAt, k => k.DisabledAt ?? now), cancellationToken)
                : await live.ExecuteUpdateAsync(set => set.SetProperty(k => k.DisabledAt, (DateTimeOffset?)null), cancellationToken);
        }
        if (changed == 0)
            return ApiKeyChangeResult.Revoked;

        Announce(key);
        await ApiKeyAudit.WriteAsync(audit, db, disabled ? "key.disable" : "key.enable", key, actor: null, cancellationToken);
        return ApiKeyChangeResult.Changed;
    }

    public async Task<ApiKeyDefaults> DefaultsAsync(string userId, CancellationToken cancellationToken)
    {
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        var userRpm = await db.Users.Where(u => u.Id == userId).Select(u => u.DefaultKeyRpm).FirstOrDefaultAsync(cancellationToken);
        var site = options.CurrentValue.Defaults;
        // The gateway's own reading of an empty limit (UsageLimits), so what the form says is what applies.
        return new ApiKeyDefaults(
            UsageLimits.Capped(userRpm ?? site.KeyRpm, site.MaxKeyRpm),
            UsageLimits.Capped(site.KeyTpm, site.MaxKeyTpm),
            site.MaxKeyRpm,
            site.MaxKeyTpm);
    }

    /// <summary>The gateway drops its cached copy here at once and, through the change stamp, in every other process.</summary>
    private void Announce(ApiKey key)
    {
        authenticator.Invalidate(key.Hash);
        changes.Publish();
    }

    /// <summary>Why a conditional update changed nothing: revoked in the meantime, or a budget below what the key has used.</summary>
    private static async Task<ApiKeyChangeResult> RefusedAsync(TokenPortalDbContext db, long keyId, CancellationToken cancellationToken)
    {
        var now = await db.ApiKeys.AsNoTracking().Where(k => k.Id == keyId)
            .Select(k => new { k.RevokedAt, k.SpentMicros, InFlight = k.ReservedMicros + k.LeasedMicros })
            .SingleAsync(cancellationToken);
        if (now.RevokedAt is not null)
            return ApiKeyChangeResult.Revoked;
        throw new ApiKeySpecException(now.InFlight == 0
            ? $"The budget cannot be less than the {MicroUsd.Format(now.SpentMicros)} USD the key has already spent."
            : $"The budget cannot be less than the {MicroUsd.Format(now.SpentMicros + now.InFlight)} USD the key has spent or set aside for requests in flight; try again in a minute.");
    }
}
