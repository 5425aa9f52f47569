namespace TokenPortal.Core.Data.Entities;

/// <summary>
/// The spendable balance, a cache of the user's ledger sum kept in its own row so that
/// Identity's profile updates never race with billing writes.
/// </summary>
public sealed class UserBalance
{
    public required string UserId { get; set; }

    /// <summary>Micro-USD: credits minus charges minus open reservations. Never below zero.</summary>
    public long BalanceMicros { get; set; }

    /// <summary>The part of the balance leased to servers (<see cref="BalanceLease"/>): never more than the balance.</summary>
    public long LeasedMicros { get; set; }
}
