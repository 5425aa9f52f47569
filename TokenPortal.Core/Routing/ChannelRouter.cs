using TokenPortal.Core.Catalog;

namespace TokenPortal.Core.Routing;

/// <summary>
/// The order in which a request tries a model's channels: lowest priority first; among equals, at random in proportion
/// to their weights (each channel keyed by <c>-ln(u)/weight</c>, the smallest first), so the first choice splits
/// requests by weight and the rest follow as fallbacks.
/// </summary>
public sealed class ChannelRouter(Func<double> random)
{
    public ChannelRouter() : this(Random.Shared.NextDouble)
    {
    }

    public IReadOnlyList<CatalogChannel> Order(CatalogModel model)
    {
        var channels = model.Channels;
        if (channels.Count == 1)
            return channels;
        // The catalog lists channels by priority; only ties are shuffled.
        var keys = new double[channels.Count];
        for (var i = 0; i < channels.Count; i++)
            keys[i] = -Math.Log(1.0 - random()) / channels[i].Weight;
        var order = Enumerable.Range(0, channels.Count).ToArray();
        Array.Sort(order, (a, b) => channels[a].Priority != channels[b].Priority
            ? channels[a].Priority.CompareTo(channels[b].Priority)
            : keys[a].CompareTo(keys[b]));
        return [.. order.Select(i => channels[i])];
    }
}
