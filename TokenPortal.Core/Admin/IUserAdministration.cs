namespace TokenPortal.Core.Admin;

/// <summary>What an admin does to accounts. Callers must have checked the admin role.</summary>
public interface IUserAdministration
{
    Task<(IReadOnlyList<UserSummary> Rows, int TotalCount)> SearchAsync(string? emailContains, int skip, int take, CancellationToken cancellationToken);

    /// <summary>Credits (positive) or takes back (negative, never below zero) through the ledger; returns the new balance.</summary>
    Task<long> GrantAsync(string userId, long amountMicros, string? note, CancellationToken cancellationToken);

    /// <summary>Turns an account off or on: no sign-in, and its API keys stop at once in this process.</summary>
    Task SetDisabledAsync(string userId, bool disabled, CancellationToken cancellationToken);
}
