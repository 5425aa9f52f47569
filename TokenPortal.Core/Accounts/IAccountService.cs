using TokenPortal.Core.Data.Entities;

namespace TokenPortal.Core.Accounts;

/// <summary>Creating accounts and finding them by email: shared by the admin CLI and sign-up.</summary>
public interface IAccountService
{
    /// <summary>Creates the user, its balance row and its signup credit; throws <see cref="AccountException"/> when refused.</summary>
    Task<PortalUser> CreateAsync(string email, string? password, bool isAdmin, CancellationToken cancellationToken);

    Task<PortalUser?> FindByEmailAsync(string email, CancellationToken cancellationToken);
}
