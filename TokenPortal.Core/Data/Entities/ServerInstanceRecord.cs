namespace TokenPortal.Core.Data.Entities;

/// <summary>
/// A server running on this database. Its heartbeat says it is alive; a server whose heartbeat is older than the
/// deadline is gone, and a survivor releases its reservations and returns its leases.
/// </summary>
public sealed class ServerInstanceRecord
{
    public required string Id { get; set; }

    /// <summary>The machine and process, for the operator reading the table.</summary>
    public required string Host { get; set; }

    public DateTimeOffset StartedAt { get; set; }

    public DateTimeOffset HeartbeatAt { get; set; }
}
