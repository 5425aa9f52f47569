using System.Collections.Concurrent;

namespace TokenPortal.Core.Routing;

/// <summary>
/// What this server has learnt of its upstreams: each channel's circuit and each provider's refused keys. Kept in
/// memory per server, keyed by database ids so it outlives catalog reloads.
/// </summary>
public sealed class RoutingHealth
{
    private readonly ConcurrentDictionary<long, ChannelHealth> _channels = new();
    private readonly ConcurrentDictionary<long, ProviderKeyRing> _keys = new();

    public ChannelHealth Channel(long channelId) => _channels.GetOrAdd(channelId, static _ => new ChannelHealth());

    public ProviderKeyRing Keys(long providerId) => _keys.GetOrAdd(providerId, static _ => new ProviderKeyRing());
}
