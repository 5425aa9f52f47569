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
    public async Task<PortalUser> CreateAsync(string email, string? password, bool isAdmin, CancellationToken cancellationToken)
    {
        var user = new PortalUser { UserName = email, Email = email, CreatedAt = clock.GetUtcNow(), IsAdmin = isAdmin };
        var result = password is null ? await users.CreateAsync(user) : await users.CreateAsync(user, password);
        if (!result.Succeeded)
            throw new AccountException(string.Join(" ", result.Errors.Select(e => e.Description)));

        var credit = MicroUsd.FromUsd(options.CurrentValue.SignupCreditUsd);
        if (credit > 0)
            await ledger.CreditAsync(user.Id, credit, LedgerEntryKind.Credit, "Signup credit", cancellationToken);
        return user;
    }

    public Task<PortalUser?> FindByEmailAsync(string email, CancellationToken cancellationToken) => users.FindByEmailAsync(email);
}
