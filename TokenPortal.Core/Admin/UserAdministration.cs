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
    ChangeStamp changes,
    IAuditLog audit,
    TimeProvider clock) : IUserAdministration
{
    public async Task<(IReadOnlyList<UserSummary> Rows, int TotalCount)> SearchAsync(string? emailOrAddress, int skip, int take, CancellationToken cancellationToken)
    {
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        var query = db.Users.AsNoTracking();
        if (!string.IsNullOrWhiteSpace(emailOrAddress))
        {
            var address = emailOrAddress.Trim();
            var needle = address.ToUpperInvariant();
            query = query.Where(u => u.NormalizedEmail!.Contains(needle) || u.SignupAddress == address);
        }
        var total = await query.CountAsync(cancellationToken);
        var rows = await query.OrderByDescending(u => u.CreatedAt).Skip(Math.Max(0, skip)).Take(Math.Clamp(take, 1, 200))
            .Select(u => new UserSummary(
                u.Id, u.Email ?? u.UserName ?? u.Id, u.CreatedAt, u.IsAdmin, u.IsDisabled,
                db.Balances.Where(b => b.UserId == u.Id).Select(b => b.BalanceMicros).FirstOrDefault(),
                db.ApiKeys.Count(k => k.UserId == u.Id && k.RevokedAt == null),
                db.Ledger.Count(e => e.UserId == u.Id && e.Kind == LedgerEntryKind.WriteOff && e.RequestId != null),
                db.Ledger.Where(e => e.UserId == u.Id && e.Kind == LedgerEntryKind.WriteOff && e.RequestId != null).Sum(e => e.AmountMicros),
                u.SignupAddress))
            .ToListAsync(cancellationToken);
        return (rows, total);
    }

    public async Task<long> GrantAsync(string userId, long amountMicros, string? note, string actor, CancellationToken cancellationToken)
    {
        if (amountMicros == 0)
            throw new ArgumentException("The amount must not be zero.", nameof(amountMicros));
        var kind = amountMicros > 0 ? LedgerEntryKind.Credit : LedgerEntryKind.Adjustment;
        var reason = string.IsNullOrWhiteSpace(note) ? "Granted by an admin" : note.Trim();
        var balance = await ledger.CreditAsync(userId, amountMicros, kind, reason, cancellationToken);
        await audit.WriteAsync(actor, amountMicros > 0 ? "credit.grant" : "credit.take", await EmailOfAsync(userId, cancellationToken),
            $"{MicroUsd.Format(amountMicros)} USD: {reason}", cancellationToken);
        return balance;
    }

    public async Task SetDisabledAsync(IReadOnlyCollection<string> userIds, bool disabled, string actor, CancellationToken cancellationToken)
    {
        foreach (var userId in userIds.Distinct())
        {
            var user = await users.FindByIdAsync(userId) ?? throw new ArgumentException($"No user has id '{userId}'.", nameof(userIds));
            if (user.IsDisabled == disabled)
                continue;
            user.IsDisabled = disabled;
            // Saves the flag with a new security stamp, which ends the user's portal sessions at their next validation.
            await users.UpdateSecurityStampAsync(user);
            await audit.WriteAsync(actor, disabled ? "user.disable" : "user.enable", user.Email ?? user.Id, null, cancellationToken);
        }

        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        var ids = userIds.ToList();
        foreach (var hash in await db.ApiKeys.Where(k => ids.Contains(k.UserId)).Select(k => k.Hash).ToListAsync(cancellationToken))
            authenticator.Invalidate(hash);
        changes.Publish();
    }

    public async Task<IReadOnlyList<DailySignups>> SignupsPerDayAsync(int days, CancellationToken cancellationToken)
    {
        var today = DateOnly.FromDateTime(clock.GetUtcNow().UtcDateTime);
        var first = today.AddDays(1 - Math.Clamp(days, 1, 366));
        var since = new DateTimeOffset(first.ToDateTime(TimeOnly.MinValue), TimeSpan.Zero);
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        var signups = await db.Users.AsNoTracking().Where(u => u.CreatedAt >= since)
            .Select(u => new { u.CreatedAt, u.SignupAddress }).ToListAsync(cancellationToken);
        var byDay = signups.ToLookup(u => DateOnly.FromDateTime(u.CreatedAt.UtcDateTime));
        return Enumerable.Range(0, today.DayNumber - first.DayNumber + 1)
            .Select(offset => first.AddDays(offset))
            .Select(day => new DailySignups(day, byDay[day].Count(), byDay[day].Select(u => u.SignupAddress).OfType<string>().Distinct().Count()))
            .ToList();
    }

    private async Task<string> EmailOfAsync(string userId, CancellationToken cancellationToken)
    {
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        return await db.Users.Where(u => u.Id == userId).Select(u => u.Email).FirstOrDefaultAsync(cancellationToken) ?? userId;
    }
}
