using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using TokenPortal.Core.Billing;
using TokenPortal.Core.Data;
using TokenPortal.Core.Data.Entities;
using TokenPortal.Core.Keys;

namespace TokenPortal.Core.Admin;

/// <inheritdoc />
internal sealed class UserAdministration(
    IDbContextFactory<TokenPortalDbContext> dbFactory,
    UserManager<PortalUser> users,
    ILedger ledger,
    IApiKeyAuthenticator authenticator,
    ChangeStamp changes) : IUserAdministration
{
    public async Task<(IReadOnlyList<UserSummary> Rows, int TotalCount)> SearchAsync(string? emailContains, int skip, int take, CancellationToken cancellationToken)
    {
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        var query = db.Users.AsNoTracking();
        if (!string.IsNullOrWhiteSpace(emailContains))
        {
            var needle = emailContains.Trim().ToUpperInvariant();
            query = query.Where(u => u.NormalizedEmail!.Contains(needle));
        }
        var total = await query.CountAsync(cancellationToken);
        var rows = await query.OrderByDescending(u => u.CreatedAt).Skip(Math.Max(0, skip)).Take(Math.Clamp(take, 1, 200))
            .Select(u => new UserSummary(
                u.Id, u.Email ?? u.UserName ?? u.Id, u.CreatedAt, u.IsAdmin, u.IsDisabled,
                db.Balances.Where(b => b.UserId == u.Id).Select(b => b.BalanceMicros).FirstOrDefault(),
                db.ApiKeys.Count(k => k.UserId == u.Id && k.RevokedAt == null),
                db.Ledger.Count(e => e.UserId == u.Id && e.Kind == LedgerEntryKind.WriteOff && e.RequestId != null),
                db.Ledger.Where(e => e.UserId == u.Id && e.Kind == LedgerEntryKind.WriteOff && e.RequestId != null).Sum(e => e.AmountMicros)))
            .ToListAsync(cancellationToken);
        return (rows, total);
    }

    public Task<long> GrantAsync(string userId, long amountMicros, string? note, CancellationToken cancellationToken)
    {
        if (amountMicros == 0)
            throw new ArgumentException("The amount must not be zero.", nameof(amountMicros));
        var kind = amountMicros > 0 ? LedgerEntryKind.Credit : LedgerEntryKind.Adjustment;
        return ledger.CreditAsync(userId, amountMicros, kind, string.IsNullOrWhiteSpace(note) ? "Granted by an admin" : note.Trim(), cancellationToken);
    }

    public async Task SetDisabledAsync(string userId, bool disabled, CancellationToken cancellationToken)
    {
        var user = await users.FindByIdAsync(userId) ?? throw new ArgumentException($"No user has id '{userId}'.", nameof(userId));
        user.IsDisabled = disabled;
        // Saves the flag with a new security stamp, which ends the user's portal sessions at their next validation.
        await users.UpdateSecurityStampAsync(user);

        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        foreach (var hash in await db.ApiKeys.Where(k => k.UserId == userId).Select(k => k.Hash).ToListAsync(cancellationToken))
            authenticator.Invalidate(hash);
        changes.Publish();
    }
}
