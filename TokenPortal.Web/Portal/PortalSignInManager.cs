using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.Options;
using TokenPortal.Core.Accounts;
using TokenPortal.Core.Data.Entities;

namespace TokenPortal.Web.Portal;

/// <summary>
/// Refuses every kind of sign-in (password, passkey, GitHub, a recovery code) to an account an admin disabled, never
/// renews its cookie, and lets no cookie of it pass the periodic stamp check; notes passkey use.
/// </summary>
internal sealed class PortalSignInManager(
    UserManager<PortalUser> users,
    IHttpContextAccessor contextAccessor,
    IUserClaimsPrincipalFactory<PortalUser> claimsFactory,
    IOptions<IdentityOptions> optionsAccessor,
    ILogger<SignInManager<PortalUser>> logger,
    IAuthenticationSchemeProvider schemes,
    IUserConfirmation<PortalUser> confirmation,
    PasskeyUses passkeyUses)
    : SignInManager<PortalUser>(users, contextAccessor, claimsFactory, optionsAccessor, logger, schemes, confirmation)
{
    public override async Task<bool> CanSignInAsync(PortalUser user) => !user.IsDisabled && await base.CanSignInAsync(user);

    /// <summary>
    /// The cookie check (every minute) compares stamps only; a disabled account fails it whatever stamp its cookie
    /// carries, even one a refresh wrote after the disable.
    /// </summary>
    public override async Task<bool> ValidateSecurityStampAsync(PortalUser? user, string? securityStamp) =>
        user is { IsDisabled: false } && await base.ValidateSecurityStampAsync(user, securityStamp);

    /// <summary>
    /// Identity's pages renew the cookie after a profile or password change without asking <see cref="CanSignInAsync"/>:
    /// a disabled account is signed out instead, or a script saving its profile every minute would keep its session.
    /// </summary>
    public override async Task RefreshSignInAsync(PortalUser user)
    {
        if (await CanSignInAsync(user))
            await base.RefreshSignInAsync(user);
        else
            await SignOutAsync();
    }

    /// <summary>A recovery code finishes a sign-in begun with the password, which may have come before the disable.</summary>
    public override async Task<SignInResult> TwoFactorRecoveryCodeSignInAsync(string recoveryCode) =>
        await GetTwoFactorAuthenticationUserAsync() is { } user && !await CanSignInAsync(user)
            ? SignInResult.NotAllowed
            : await base.TwoFactorRecoveryCodeSignInAsync(recoveryCode);

    /// <summary>A passkey that proved its owner is noted as used now, for the passkeys list's "last used".</summary>
    public override async Task<PasskeyAssertionResult<PortalUser>> PerformPasskeyAssertionAsync(string credentialJson)
    {
        var result = await base.PerformPasskeyAssertionAsync(credentialJson);
        if (result.Succeeded)
            await passkeyUses.RecordAsync(result.User.Id, result.Passkey.CredentialId, Context.RequestAborted);
        return result;
    }
}
