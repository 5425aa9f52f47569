using Microsoft.AspNetCore.Identity;
using TokenPortal.Core.Data.Entities;

namespace TokenPortal.Core.Accounts;

/// <summary>
/// An email (and so a user name) no longer than Identity's columns (256): PostgreSQL would refuse a longer one with a
/// database error, SQLite would keep it. Every way an address is set (sign-up, the CLI, a change of email) passes here.
/// </summary>
internal sealed class EmailLengthValidator : IUserValidator<PortalUser>
{
    public const int MaxLength = 256;

    public Task<IdentityResult> ValidateAsync(UserManager<PortalUser> manager, PortalUser user) => Task.FromResult(
        user.Email?.Length > MaxLength || user.UserName?.Length > MaxLength
            ? IdentityResult.Failed(new IdentityError { Code = "EmailTooLong", Description = $"An email address has at most {MaxLength} characters." })
            : IdentityResult.Success);
}
