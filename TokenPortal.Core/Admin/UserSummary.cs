namespace TokenPortal.Core.Admin;

/// <summary>One row of the admin's user list.</summary>
/// <param name="Overruns">Requests whose upstream cost more than the user's money could cover (part written off).</param>
/// <param name="WrittenOffMicros">What those overruns cost the operator.</param>
/// <param name="SignupAddress">The client address the account signed up from (portal sign-ups only).</param>
public sealed record UserSummary(string Id, string Email, DateTimeOffset CreatedAt, bool IsAdmin, bool IsDisabled, long BalanceMicros, int ActiveKeys,
    int Overruns = 0, long WrittenOffMicros = 0, string? SignupAddress = null);
