using Microsoft.AspNetCore.Identity;
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

    public Task<bool> GrantSignupCreditAsync(string userId, SignupCreditRequirement met, CancellationToken cancellationToken)
    {
        var settings = options.CurrentValue;
        return settings.Signup.CreditRequires != met
            ? Task.FromResult(false)
            : ledger.ChangeBalanceAsync(userId, (db, now, ct) => SignupCredit.AddIfDueAsync(db, userId, met, settings, now, ct), cancellationToken);
    }

    public Task<PortalUser?> FindByEmailAsync(string email, CancellationToken cancellationToken) => users.FindByEmailAsync(email);
}
