using Microsoft.EntityFrameworkCore;
using TokenPortal.Core.Billing;
using TokenPortal.Core.Configuration;
using TokenPortal.Core.Data;
using TokenPortal.Core.Data.Entities;

namespace TokenPortal.Core.Accounts;

/// <summary>The signup credit: granted once per account, when the account meets the site's <c>Signup:CreditRequires</c>.</summary>
internal static class SignupCredit
{
    public const string Note = "Signup credit";

    /// <summary>
    /// Adds the credit to the caller's unit of work when <paramref name="met"/> is the site's condition and the account
    /// (enabled) has not had it; the account is marked first, by a conditional update, so two callers cannot both grant.
    /// </summary>
    public static async Task<bool> AddIfDueAsync(TokenPortalDbContext db, string userId, SignupCreditRequirement met, TokenPortalOptions options,
        DateTimeOffset now, CancellationToken cancellationToken)
    {
        var credit = MicroUsd.FromUsd(options.SignupCreditUsd);
        if (options.Signup.CreditRequires != met || credit <= 0)
            return false;
        var claimed = await db.Users
            .Where(u => u.Id == userId && u.SignupCreditGrantedAt == null && !u.IsDisabled)
            .ExecuteUpdateAsync(set => set.SetProperty(u => u.SignupCreditGrantedAt, now), cancellationToken);
        if (claimed == 0)
            return false;
        await LedgerCredits.AddAsync(db, userId, credit, LedgerEntryKind.Credit, Note, now, cancellationToken);
        return true;
    }
}
