namespace TokenPortal.Core.Configuration;

/// <summary>How a request moves between a model's channels when one fails (DESIGN.md, "Channels").</summary>
public sealed class RoutingOptions
{
    /// <summary>The most channels one request tries for one model, the first included.</summary>
    public int MaxAttempts { get; set; } = 3;

    /// <summary>Failures in a row after which a channel rests.</summary>
    public int FailuresToCooldown { get; set; } = 3;

    /// <summary>How long a channel rests; the upstream's Retry-After when that is longer.</summary>
    public int CooldownSeconds { get; set; } = 30;
}
