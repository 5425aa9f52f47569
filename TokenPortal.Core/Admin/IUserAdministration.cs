namespace TokenPortal.Core.Admin;

/// <summary>What an admin does to accounts. Callers must have checked the admin role.</summary>
public interface IUserAdministration
{
    Task<(IReadOnlyList<UserSummary> Rows, int TotalCount)> SearchAsync(string? emailOrAddress, int skip, int take, CancellationToken cancellationToken);

    /// <summary>Credits (positive) or takes back (negative, never below zero) through the ledger; returns the new balance.</summary>
    Task<long> GrantAsync(string userId, long amountMicros, string? note, string actor, CancellationToken cancellationToken);

    /// <summary>Turns accounts off or on: no sign-in, and their API keys stop on every server's next request.</summary>
    Task SetDisabledAsync(IReadOnlyCollection<string> userIds, bool disabled, string actor, CancellationToken cancellationToken);

    /// <summary>Sign-ups per UTC day over the last <paramref name="days"/> days, oldest first, days without any included.</summary>
    Task<IReadOnlyList<DailySignups>> SignupsPerDayAsync(int days, CancellationToken cancellationToken);
}
