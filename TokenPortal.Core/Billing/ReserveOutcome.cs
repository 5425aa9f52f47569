namespace TokenPortal.Core.Billing;

/// <summary>A reservation, or the reason there is none and how much room there was.</summary>
public sealed record ReserveOutcome(Reservation? Reservation, ReserveRefusal Refusal, long AvailableMicros);
