using Microsoft.AspNetCore.Identity;

namespace TokenPortal.Core.Data.Entities;

/// <summary>An account. Identity's user, so the portal's sign-in shares the gateway's database.</summary>
public sealed class PortalUser : IdentityUser
{
    public DateTimeOffset CreatedAt { get; set; }

    public bool IsAdmin { get; set; }
}
