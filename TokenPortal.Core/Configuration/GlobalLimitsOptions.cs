namespace TokenPortal.Core.Configuration;

/// <summary>Limits that protect the operator's upstream accounts, across all users.</summary>
public sealed class GlobalLimitsOptions
{
    /// <summary>Requests per minute to all providers together; each provider may also set its own.</summary>
    public int? UpstreamRpm { get; set; }

    /// <summary>How long a request may wait for an upstream slot before it gets 429.</summary>
    public int UpstreamMaxWaitMilliseconds { get; set; } = 2000;
}
