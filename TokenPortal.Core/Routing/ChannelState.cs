namespace TokenPortal.Core.Routing;

/// <summary>Where a channel stands with the router.</summary>
public enum ChannelState
{
    /// <summary>Taking requests.</summary>
    Healthy,

    /// <summary>Failed too often in a row: no request is sent until its rest is over.</summary>
    Resting,

    /// <summary>Its rest is over and one request is finding out whether it recovered.</summary>
    Probing,
}
