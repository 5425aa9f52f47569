namespace TokenPortal.Core.Data.Entities;

/// <summary>One append-only ledger row. The user's balance is the sum of their rows' amounts.</summary>
public sealed class LedgerEntry
{
    public long Id { get; set; }

    public required string UserId { get; set; }

    public LedgerEntryKind Kind { get; set; }

    /// <summary>Signed micro-USD change to the spendable balance.</summary>
    public long AmountMicros { get; set; }

    /// <summary>The gateway request this row belongs to (reserve, release, settle).</summary>
    public string? RequestId { get; set; }

    public string? Note { get; set; }

    public DateTimeOffset CreatedAt { get; set; }
}
