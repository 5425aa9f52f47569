namespace TokenPortal.Core.Data.Entities;

/// <summary>
/// A reservation not yet released. Inserted with the Reserve ledger row and deleted with its Release,
/// so what a killed process left behind is exactly this table's content at the next start.
/// </summary>
public sealed class OpenReservation
{
    public required string RequestId { get; set; }

    public required string UserId { get; set; }

    public long AmountMicros { get; set; }

    /// <summary>The key whose spend and budget count this reservation too; 0 for none.</summary>
    public long ApiKeyId { get; set; }

    public DateTimeOffset CreatedAt { get; set; }

    /// <summary>The server that granted it and will settle it; when that server is gone, a survivor releases it.</summary>
    public string InstanceId { get; set; } = "";

    /// <summary>
    /// Owed from this reservation's money: a refund or dispute the balance could not cover while the request was in flight.
    /// When the reservation settles, what it gives back goes here first (a <see cref="LedgerEntryKind.Recovery"/>).
    /// </summary>
    public long ClawbackMicros { get; set; }
}
