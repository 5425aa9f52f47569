using TokenPortal.Core.Gateway;

namespace TokenPortal.Core.Routing;

/// <summary>A channel's health as the admin sees it, over its most recent attempts on this server.</summary>
/// <param name="RestingUntil">When its rest ends, while <see cref="State"/> is <see cref="ChannelState.Resting"/>.</param>
/// <param name="SuccessRate">Served attempts among those that said something about the channel; null before any.</param>
/// <param name="P50LatencyMs">The median time to the upstream's answer headers, over served attempts; null before any.</param>
public sealed record ChannelHealthSnapshot(
    ChannelState State,
    int FailuresInRow,
    DateTimeOffset? RestingUntil,
    int Attempts,
    double? SuccessRate,
    int? P50LatencyMs,
    IReadOnlyDictionary<UpstreamFailureKind, int> RecentFailures)
{
    public static readonly ChannelHealthSnapshot Unused = new(ChannelState.Healthy, 0, null, 0, null, null, new Dictionary<UpstreamFailureKind, int>());
}
