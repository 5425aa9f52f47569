namespace TokenPortal.Core.Billing;

/// <summary>
/// A balance or key budget as the writer read it: <see cref="Free"/> is neither reserved, spent nor leased; <see cref="Own"/>
/// is this server's lease, <see cref="Others"/> the other servers' leases. <see cref="Unlimited"/> for a key with no budget.
/// </summary>
internal readonly record struct LeaseRoom(bool Unlimited, long Free, long Own, long Others);
