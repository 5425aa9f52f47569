using System.Security.Cryptography;
using System.Text;
using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using TokenPortal.Core.Admin;
using TokenPortal.Core.Data;
using TokenPortal.Core.Keys;
using Microsoft.Extensions.Options;
using TokenPortal.Core.Billing;
using TokenPortal.Core.Configuration;
using TokenPortal.Core.Data.Entities;

namespace TokenPortal.Core.Accounts;

/// <inheritdoc />
internal sealed class AccountService(
    UserManager<PortalUser> users,
    ILedger ledger,
    IOptionsMonitor<TokenPortalOptions> options,
    IDbContextFactory<TokenPortalDbContext> dbFactory,
    IApiKeyAuthenticator authenticator,
    ChangeStamp changes,
    IAuditLog audit,
    SiteSecret secret,
    TimeProvider clock) : IAccountService
{
    public async Task<PortalUser> CreateAsync(string email, string? password, bool isAdmin, CancellationToken cancellationToken, string? signupAddress = null)
    {
        var user = new PortalUser { UserName = email, Email = email, CreatedAt = clock.GetUtcNow(), IsAdmin = isAdmin, SignupAddress = signupAddress };
        var result = password is null ? await users.CreateAsync(user) : await users.CreateAsync(user, password);
        if (!result.Succeeded)
            throw new AccountException(string.Join(" ", result.Errors.Select(e => e.Description)));

        await GrantSignupCreditAsync(user.Id, SignupCreditRequirement.None, cancellationToken);
        return user;
    }

    public async Task<bool> GrantExternalLoginCreditAsync(string userId, UserLoginInfo login, CancellationToken cancellationToken)
    {
        if (options.CurrentValue.Signup.CreditRequires != SignupCreditRequirement.ExternalLogin)
            return false;
        var key = await secret.KeyAsync();
        var identity = Convert.ToHexStringLower(HMACSHA256.HashData(key, Encoding.UTF8.GetBytes($"signup-credit\n{login.LoginProvider}\n{login.ProviderKey}")));
        return await GrantSignupCreditAsync(userId, SignupCreditRequirement.ExternalLogin, cancellationToken, identity);
    }

    private Task<bool> GrantSignupCreditAsync(string userId, SignupCreditRequirement met, CancellationToken cancellationToken, string? identityHash = null)
    {
        var settings = options.CurrentValue;
        return settings.Signup.CreditRequires != met
            ? Task.FromResult(false)
            : ledger.ChangeBalanceAsync(userId, (db, now, ct) => SignupCredit.AddIfDueAsync(db, userId, met, settings, now, ct, identityHash), cancellationToken);
    }

    public async Task DeleteAsync(string userId, CancellationToken cancellationToken)
    {
        var user = await users.FindByIdAsync(userId) ?? throw new AccountException("There is no such account.");
        var now = clock.GetUtcNow();

        // The row stays: the ledger, reservations, payments and request log refer to it and must keep adding up. What identified
        // the person goes, and nothing can use the account again.
        var placeholder = $"deleted-{user.Id}@deleted.invalid";
        user.Email = user.UserName = placeholder;
        user.NormalizedEmail = user.NormalizedUserName = placeholder.ToUpperInvariant();
        user.EmailConfirmed = false;
        user.PasswordHash = null;
        user.PhoneNumber = null;
        user.TwoFactorEnabled = false;
        user.SignupAddress = null;
        user.IsDisabled = true;
        user.DeletedAt = now;
        var saved = await users.UpdateSecurityStampAsync(user);
        if (!saved.Succeeded)
            throw new AccountException(string.Join(" ", saved.Errors.Select(e => e.Description)));

        await using (var db = await dbFactory.CreateDbContextAsync(cancellationToken))
        {
            await db.UserLogins.Where(l => l.UserId == userId).ExecuteDeleteAsync(cancellationToken);
            await db.UserPasskeys.Where(p => p.UserId == userId).ExecuteDeleteAsync(cancellationToken);
            await db.PasskeyUses.Where(p => p.UserId == userId).ExecuteDeleteAsync(cancellationToken);
            await db.UserTokens.Where(t => t.UserId == userId).ExecuteDeleteAsync(cancellationToken);
            await db.UserClaims.Where(c => c.UserId == userId).ExecuteDeleteAsync(cancellationToken);
            await db.BillingProfiles.Where(p => p.UserId == userId).ExecuteUpdateAsync(set => set
                .SetProperty(p => p.AutoReloadEnabled, false)
                .SetProperty(p => p.PaymentMethodId, (string?)null)
                .SetProperty(p => p.CardBrand, (string?)null)
                .SetProperty(p => p.CardLast4, (string?)null), cancellationToken);
            var keys = await db.ApiKeys.Where(k => k.UserId == userId).ToListAsync(cancellationToken);
            foreach (var key in keys.Where(k => k.RevokedAt is null))
                key.RevokedAt = now;
            await db.SaveChangesAsync(cancellationToken);
            foreach (var key in keys)
                authenticator.Invalidate(key.Hash);
        }
        changes.Publish();
        await audit.WriteAsync(userId, "user.delete", userId, "deleted by its owner: anonymised, disabled, keys revoked; the ledger is kept", cancellationToken);
    }

    public Task<PortalUser?> FindByEmailAsync(string email, CancellationToken cancellationToken) => users.FindByEmailAsync(email);
}
