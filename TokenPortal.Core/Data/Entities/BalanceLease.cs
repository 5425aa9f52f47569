namespace TokenPortal.Core.Data.Entities;

/// <summary>
/// Money one server may grant reservations from without asking the database: a slice of a user's balance
/// (<see cref="ApiKeyId"/> 0) or of a key's budget. The slices of all servers never add up to more than the balance or
/// the budget has free, so no server grants money another already granted.
/// </summary>
public sealed class BalanceLease
{
    public required string InstanceId { get; set; }

    public required string UserId { get; set; }

    /// <summary>0 for a slice of the user's balance; a key's id for a slice of that key's budget.</summary>
    public long ApiKeyId { get; set; }

    public long AmountMicros { get; set; }
}
