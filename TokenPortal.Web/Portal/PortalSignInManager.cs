using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.Options;
using TokenPortal.Core.Accounts;
using TokenPortal.Core.Data.Entities;

namespace TokenPortal.Web.Portal;

/// <summary>Refuses every kind of sign-in (password, passkey, GitHub) to an account an admin disabled, and notes passkey use.</summary>
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

    /// <summary>A passkey that proved its owner is noted as used now, for the passkeys list's "last used".</summary>
    public override async Task<PasskeyAssertionResult<PortalUser>> PerformPasskeyAssertionAsync(string credentialJson)
    {
        var result = await base.PerformPasskeyAssertionAsync(credentialJson);
        if (result.Succeeded)
            await passkeyUses.RecordAsync(result.User.Id, result.Passkey.CredentialId, Context.RequestAborted);
        return result;
    }
}
