namespace TokenPortal.Core.Billing;

/// <summary>What to reserve for one request: between <see cref="FloorMicros"/> and <see cref="WorstCaseMicros"/>.</summary>
/// <param name="ApiKeyId">The key whose budget (if it has one) must also cover the reservation; 0 for none.</param>
/// <param name="CapMicros">The key's per-request cap: the reservation, and any overrun charged at settle, stay within it.</param>
public sealed record ReserveRequest(string UserId, string RequestId, long ApiKeyId, long WorstCaseMicros, long FloorMicros, long? CapMicros = null);
