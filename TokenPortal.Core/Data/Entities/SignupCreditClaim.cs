namespace TokenPortal.Core.Data.Entities;

/// <summary>
/// A GitHub or Discord identity that earned a signup credit, so it earns no second one on another account (unlinked
/// and linked again, or after the first account was deleted). Kept as a keyed hash: it outlives the account's login
/// rows, which deleting an account removes, and must not identify the person once they are gone.
/// </summary>
public sealed class SignupCreditClaim
{
    public required string IdentityHash { get; set; }

    public required string UserId { get; set; }

    public DateTimeOffset ClaimedAt { get; set; }
}
