using TokenPortal.Core.Catalog;
using TokenPortal.Core.Data.Entities;
using TokenPortal.Core.Routing;

namespace TokenPortal.Web.Components.Pages.Admin;

/// <summary>
/// The health grid's rows: what this server has seen of each channel of <paramref name="models"/>, now. Health lives in
/// memory, so reading it again costs nothing and a page can follow the traffic.
/// </summary>
public sealed class ChannelHealthReader(RoutingHealth health, ProviderKeyProtector keys, TimeProvider clock)
{
    public IReadOnlyList<ChannelHealthRow> Rows(IEnumerable<ModelRecord> models)
    {
        var now = clock.GetUtcNow();
        return [.. models.SelectMany(m => m.Channels.Select(c => ChannelHealthRow.Of(m, c, health.Channel(c.Id).Snapshot(now), NoKeyLeft(c.Provider))))];
    }

    public IReadOnlyList<string> KeysOf(ProviderRecord provider) => ProviderKeyProtector.SplitKeys(keys.Unprotect(provider.ApiKey));

    /// <summary>Every key of the provider is refused upstream (revoked, out of credit): its channels cannot serve.</summary>
    private bool NoKeyLeft(ProviderRecord? provider) =>
        provider is not null && KeysOf(provider) is { Count: > 0 } all && health.Keys(provider.Id).RefusedAmong(all).Count == all.Count;
}
