namespace TokenPortal.Core.Billing;

/// <summary>
/// How a reservation was closed: what the user paid, and the part of the cost that neither the reservation nor the rest
/// of the balance (within the key's budget and per-request cap) could cover, written off as the operator's loss.
/// </summary>
public readonly record struct Settlement(long ChargedMicros, long WrittenOffMicros)
{
    public static readonly Settlement None = new(0, 0);
}
