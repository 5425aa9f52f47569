namespace TokenPortal.Core.Data.Entities;

/// <summary>
/// One thing an admin (or the admin CLI) did: who, when, what, to whom. Append-only: the database refuses updates and
/// deletes of these rows.
/// </summary>
public sealed class AuditEntry
{
    public long Id { get; set; }

    public DateTimeOffset At { get; set; }

    /// <summary>The admin's email, or <c>cli</c> for the command line.</summary>
    public required string Actor { get; set; }

    /// <summary>What was done, e.g. <c>credit.grant</c>, <c>model.edit</c>, <c>user.disable</c>, <c>key.revoke</c>.</summary>
    public required string Action { get; set; }

    /// <summary>What it was done to: a user's email, a model id, a key prefix.</summary>
    public required string Target { get; set; }

    public string? Detail { get; set; }
}
