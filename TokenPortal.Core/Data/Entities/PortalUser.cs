using Microsoft.AspNetCore.Identity;

namespace TokenPortal.Core.Data.Entities;

/// <summary>An account. Identity's user, so the portal's sign-in shares the gateway's database.</summary>
public sealed class PortalUser : IdentityUser
{
    public DateTimeOffset CreatedAt { get; set; }

    public bool IsAdmin { get; set; }

    /// <summary>An admin turned the account off: no sign-in, and its keys stop working.</summary>
    public bool IsDisabled { get; set; }

    /// <summary>Requests in flight at once over all the user's keys; the configured default when null.</summary>
    public int? MaxConcurrent { get; set; }

    /// <summary>Requests per minute for the user's keys that set none; the configured default when null.</summary>
    public int? DefaultKeyRpm { get; set; }

    /// <summary>The client address the account signed up from, for the admin's abuse view; null for accounts the CLI made.</summary>
    public string? SignupAddress { get; set; }

    /// <summary>When the signup credit was granted; null until its condition (<c>Signup:CreditRequires</c>) is met.</summary>
    public DateTimeOffset? SignupCreditGrantedAt { get; set; }

    /// <summary>When the user deleted the account: the row stays for the ledger, anonymised and disabled.</summary>
    public DateTimeOffset? DeletedAt { get; set; }
}
