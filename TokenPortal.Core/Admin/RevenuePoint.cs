namespace TokenPortal.Core.Admin;

/// <summary>What card payments brought in during one step, in cents, net of what was refunded or disputed since.</summary>
public sealed record RevenuePoint(DateTimeOffset Start, long NetCents);
