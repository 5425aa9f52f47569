using TokenPortal.Core.Configuration;

namespace TokenPortal.Core.Data.Entities;

/// <summary>An upstream account as stored; configuration seeds it, an admin may edit it.</summary>
public sealed class ProviderRecord
{
    public long Id { get; set; }

    public required string Name { get; set; }

    public ProviderKind Kind { get; set; }

    public required string BaseUrl { get; set; }

    public string? ApiKey { get; set; }

    public int TimeoutSeconds { get; set; }

    public int? UpstreamRpm { get; set; }

    public bool Enabled { get; set; } = true;

    /// <summary>Set when an admin changed it in the portal: configuration no longer overwrites it at start.</summary>
    public DateTimeOffset? EditedAt { get; set; }
}
