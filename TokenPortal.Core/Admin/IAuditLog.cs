using TokenPortal.Core.Data.Entities;

namespace TokenPortal.Core.Admin;

/// <summary>The admin audit log: what admins, the admin CLI and key owners changed. Entries are only ever added.</summary>
public interface IAuditLog
{
    /// <summary>The actor name the admin command line records.</summary>
    public const string Cli = "cli";

    Task WriteAsync(string actor, string action, string target, string? detail, CancellationToken cancellationToken);

    /// <summary>Newest first; <paramref name="search"/> matches actor, action or target.</summary>
    Task<(IReadOnlyList<AuditEntry> Rows, int TotalCount)> SearchAsync(string? search, int skip, int take, CancellationToken cancellationToken);
}
