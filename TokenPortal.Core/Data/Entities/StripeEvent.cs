namespace TokenPortal.Core.Data.Entities;

/// <summary>
/// A Stripe webhook event that was applied. Its id is the key and is written in the same transaction as the
/// ledger change the event caused, so a replayed or concurrent duplicate changes nothing.
/// </summary>
public sealed class StripeEvent
{
    public required string Id { get; set; }

    public required string Type { get; set; }

    public DateTimeOffset ProcessedAt { get; set; }
}
