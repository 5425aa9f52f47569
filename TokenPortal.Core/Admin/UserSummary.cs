namespace TokenPortal.Core.Admin;

/// <summary>One row of the admin's user list.</summary>
public sealed record UserSummary(string Id, string Email, DateTimeOffset CreatedAt, bool IsAdmin, bool IsDisabled, long BalanceMicros, int ActiveKeys);
