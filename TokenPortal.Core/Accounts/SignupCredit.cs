using Microsoft.EntityFrameworkCore;
using TokenPortal.Core.Billing;
using TokenPortal.Core.Configuration;
using TokenPortal.Core.Data;
using TokenPortal.Core.Data.Entities;

namespace TokenPortal.Core.Accounts;

/// <summary>
/// The signup credit: granted once per account, when the account meets the site's <c>Signup:CreditRequires</c>; under
/// <c>ExternalLogin</c>, also once per GitHub or Discord identity, whichever account it is linked to.
/// </summary>
internal static class SignupCredit
{
    public const string Note = "Signup credit";

    /// <summary>
    /// Adds the credit to the caller's unit of work when <paramref name="met"/> is the site's condition and the account
    /// (enabled) has not had it; the account is marked first, by a conditional update, so two callers cannot both grant.
    /// An <paramref name="identityHash"/> (the linked login that met the condition) is claimed next, by an insert that
    /// does nothing when the identity already earned a credit; then the account's mark is taken back.
    /// </summary>
    public static async Task<bool> AddIfDueAsync(TokenPortalDbContext db, string userId, SignupCreditRequirement met, TokenPortalOptions options,
        DateTimeOffset now, CancellationToken cancellationToken, string? identityHash = null)
    {
        var credit = MicroUsd.FromUsd(options.SignupCreditUsd);
        if (options.Signup.CreditRequires != met || credit <= 0)
            return false;
        var claimed = await db.Users
            .Where(u => u.Id == userId && u.SignupCreditGrantedAt == null && !u.IsDisabled)
            .ExecuteUpdateAsync(set => set.SetProperty(u => u.SignupCreditGrantedAt, now), cancellationToken);
        if (claimed == 0)
            return false;
        if (identityHash is not null && !await ClaimIdentityAsync(db, identityHash, userId, now, cancellationToken))
        {
            await db.Users.Where(u => u.Id == userId).ExecuteUpdateAsync(set => set.SetProperty(u => u.SignupCreditGrantedAt, (DateTimeOffset?)null), cancellationToken);
            return false;
        }
        await LedgerCredits.AddAsync(db, userId, credit, LedgerEntryKind.Credit, Note, now, cancellationToken);
        return true;
    }

    /// <summary>
    /// False when the identity has a claim already. On PostgreSQL a concurrent claim of the same identity waits for the
    /// first to commit and then does nothing, so two accounts cannot both win it.
    /// </summary>
    private static async Task<bool> ClaimIdentityAsync(TokenPortalDbContext db, string identityHash, string userId, DateTimeOffset now, CancellationToken cancellationToken) =>
        await db.Database.ExecuteSqlAsync(
            $"""INSERT INTO "SignupCreditClaims" ("IdentityHash", "UserId", "ClaimedAt") VALUES ({identityHash}, {userId}, {now.ToUnixTimeMilliseconds()}) ON CONFLICT DO NOTHING""",
            cancellationToken) == 1;
}
