namespace TokenPortal.Core.Configuration;

/// <summary>
/// Which reverse proxies may tell the gateway the client's address and scheme (<c>TokenPortal:ForwardedHeaders</c>), in
/// <c>X-Forwarded-For</c> and <c>X-Forwarded-Proto</c>. A proxy on the same machine (loopback) is always trusted; any
/// other must be listed, or a client could claim any address (and dodge the per-address sign-up limit).
/// </summary>
public sealed class ForwardedHeadersSettings
{
    /// <summary>Proxy addresses, e.g. <c>10.0.0.5</c>.</summary>
    public List<string> KnownProxies { get; set; } = [];

    /// <summary>Proxy networks in CIDR notation, e.g. <c>10.0.0.0/8</c>.</summary>
    public List<string> KnownNetworks { get; set; } = [];
}
