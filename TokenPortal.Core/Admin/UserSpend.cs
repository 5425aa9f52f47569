namespace TokenPortal.Core.Admin;

/// <summary>One account's use over a range, for the overview's top users.</summary>
public sealed record UserSpend(string UserId, string Email, long Requests, long CostMicros);
