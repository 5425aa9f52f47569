using TokenPortal.Core.Configuration;

namespace TokenPortal.Core.Billing;

/// <summary>This server's name on the database (the reservations it grants and the leases it takes carry it), and what it knows of the others.</summary>
public sealed class ServerInstance(InstancesOptions options)
{
    private volatile string _id = NewId();
    private volatile int _liveServers = 1;

    public string Id => _id;

    /// <summary>The machine and process, for the operator reading the Instances table.</summary>
    public static string Host { get; } = $"{Environment.MachineName}:{Environment.ProcessId}";

    public TimeSpan HeartbeatInterval { get; } = TimeSpan.FromSeconds(options.HeartbeatSeconds);

    /// <summary>A server silent this long is gone.</summary>
    public TimeSpan Deadline { get; } = TimeSpan.FromSeconds(options.DeadlineSeconds);

    /// <summary>How long after a heartbeat this server may grant from its leases: half the deadline, so clocks may differ a little.</summary>
    public TimeSpan LeaseValidity => Deadline / 2;

    /// <summary>Servers alive on the database at the last heartbeat, this one included: each leases a share of what is free.</summary>
    public int LiveServers
    {
        get => _liveServers;
        internal set => _liveServers = Math.Max(1, value);
    }

    /// <summary>
    /// A survivor took this server for dead and released its reservations: it comes back under a new name, so nothing it
    /// grants from now on is mixed up with what the survivor took back.
    /// </summary>
    internal void Rename() => _id = NewId();

    private static string NewId() => Guid.NewGuid().ToString("N");
}
