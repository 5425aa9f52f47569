namespace TokenPortal.Core.Configuration;

/// <summary>The <c>TokenPortal:Instances</c> section: how servers sharing one database know who is alive.</summary>
public sealed class InstancesOptions
{
    /// <summary>How often a server says it is alive, rebalances its balance leases and looks for servers that are gone.</summary>
    public double HeartbeatSeconds { get; set; } = 2;

    /// <summary>
    /// A server silent this long is gone: a survivor releases its reservations and returns its leases. A server stops granting
    /// from its leases after half of it without a heartbeat, so a slow one never spends what a survivor took back.
    /// </summary>
    public double DeadlineSeconds { get; set; } = 20;
}
