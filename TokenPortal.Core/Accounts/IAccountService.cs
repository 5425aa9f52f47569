using Microsoft.AspNetCore.Identity;
using TokenPortal.Core.Configuration;
using TokenPortal.Core.Data.Entities;

namespace TokenPortal.Core.Accounts;

/// <summary>Creating accounts and finding them by email: shared by the admin CLI and sign-up.</summary>
public interface IAccountService
{
    /// <summary>Creates the user, its balance row and its signup credit; throws <see cref="AccountException"/> when refused.</summary>
    /// <param name="signupAddress">The client address of a sign-up through the portal, kept for the admin's abuse view.</param>
    Task<PortalUser> CreateAsync(string email, string? password, bool isAdmin, CancellationToken cancellationToken, string? signupAddress = null);

    /// <summary>
    /// A GitHub or Discord sign-in was linked to the account: grants the signup credit if that is the site's condition
    /// and neither the account nor that identity (on any account, ever) has had it.
    /// </summary>
    Task<bool> GrantExternalLoginCreditAsync(string userId, UserLoginInfo login, CancellationToken cancellationToken);

    /// <summary>
    /// Deletes the account as far as the books allow: anonymised, disabled, signed out everywhere, its keys revoked and its
    /// card forgotten; the ledger, payments and request log stay intact (they refer to the account, not to the person).
    /// </summary>
    Task DeleteAsync(string userId, CancellationToken cancellationToken);

    Task<PortalUser?> FindByEmailAsync(string email, CancellationToken cancellationToken);
}
