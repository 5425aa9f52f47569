namespace TokenPortal.Core.Billing;

/// <summary>Money put on hold for one request; closed exactly once by settle or release.</summary>
public sealed record Reservation(string RequestId, string UserId, long AmountMicros, long ApiKeyId = 0);
