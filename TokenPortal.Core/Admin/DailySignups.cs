namespace TokenPortal.Core.Admin;

/// <summary>How many accounts were made on one UTC day, and from how many distinct addresses.</summary>
public sealed record DailySignups(DateOnly Day, int SignUps, int Addresses);
