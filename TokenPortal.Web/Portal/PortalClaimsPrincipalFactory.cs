using System.Security.Claims;
using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.Options;
using TokenPortal.Core.Data.Entities;

namespace TokenPortal.Web.Portal;

/// <summary>Adds the admin role claim from <see cref="PortalUser.IsAdmin"/> to the sign-in cookie.</summary>
internal sealed class PortalClaimsPrincipalFactory(UserManager<PortalUser> users, IOptions<IdentityOptions> options)
    : UserClaimsPrincipalFactory<PortalUser>(users, options)
{
    public const string AdminRole = "admin";

    protected override async Task<ClaimsIdentity> GenerateClaimsAsync(PortalUser user)
    {
        var identity = await base.GenerateClaimsAsync(user);
        if (user.IsAdmin)
            identity.AddClaim(new Claim(ClaimTypes.Role, AdminRole));
        return identity;
    }
}
