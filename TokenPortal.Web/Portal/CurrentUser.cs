using System.Security.Claims;
using Microsoft.AspNetCore.Components.Authorization;

namespace TokenPortal.Web.Portal;

/// <summary>The signed-in user's id for portal components; every query they make is scoped by it.</summary>
internal sealed class CurrentUser(AuthenticationStateProvider authentication)
{
    public async Task<string> GetIdAsync()
    {
        var state = await authentication.GetAuthenticationStateAsync();
        return state.User.FindFirstValue(ClaimTypes.NameIdentifier)
            ?? throw new InvalidOperationException("Portal pages that read user data require a signed-in user.");
    }

    /// <summary>How the audit log names the signed-in admin: their email (the name claim), else their id.</summary>
    public async Task<string> GetAuditNameAsync()
    {
        var state = await authentication.GetAuthenticationStateAsync();
        return state.User.FindFirstValue(ClaimTypes.Email) ?? state.User.Identity?.Name ?? await GetIdAsync();
    }
}
