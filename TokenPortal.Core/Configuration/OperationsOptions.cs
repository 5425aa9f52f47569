namespace TokenPortal.Core.Configuration;

/// <summary>The <c>TokenPortal:Operations</c> section: what the process tells its operator.</summary>
public sealed class OperationsOptions
{
    /// <summary>Collect metrics and serve them at <c>/metrics</c>. Off, the gateway's instruments cost one flag check each.</summary>
    public bool MetricsEnabled { get; set; } = true;

    /// <summary>
    /// A bearer token that opens <c>/metrics</c> to callers other than loopback (a Prometheus on another machine).
    /// Null: loopback only. Everyone else gets 404, as if there were no such page.
    /// </summary>
    public string? MetricsToken { get; set; }

    /// <summary>
    /// Seconds after start at which the code and metadata pages that only the start touched are handed back to the
    /// kernel, and again once the first traffic has warmed up the JIT (Linux; see README, Watch it). 0 keeps them.
    /// </summary>
    public int ReleaseStartupPagesAfterSeconds { get; set; } = 10;
}
