using TokenPortal.Core.Billing;
using TokenPortal.Core.Catalog;
using TokenPortal.Core.Configuration;
using TokenPortal.Core.Keys;

namespace TokenPortal.Core.Data;

/// <summary>
/// Keeps the server's cached keys, catalog and settings no older than the <see cref="ChangeStamp"/>: checked at the
/// start of every API request, so a key revoked, a user disabled or a price changed by any process applies to the next
/// request. Requests that find the stamp moved wait for one reload between them.
/// </summary>
internal sealed class CachedStateRefresher(ChangeStamp stamp, IApiKeyAuthenticator keys, IModelCatalog catalog, SiteSettings settings, ReservationBook reservations)
{
    private readonly SemaphoreSlim _reloading = new(1, 1);
    private long _seen = stamp.Current;

    public ValueTask RefreshIfChangedAsync()
    {
        var current = stamp.Current;
        return current == Volatile.Read(ref _seen) ? ValueTask.CompletedTask : new ValueTask(ReloadAsync(current, force: false));
    }

    /// <summary>Reloads now, whatever the local stamp says: another machine changed something (a Redis notification).</summary>
    public Task ReloadNowAsync() => ReloadAsync(stamp.Current, force: true);

    private async Task ReloadAsync(long current, bool force)
    {
        await _reloading.WaitAsync();
        try
        {
            if (!force && Volatile.Read(ref _seen) == current)
                return;
            keys.InvalidateAll();
            reservations.ForgetUnlimitedKeys();
            await settings.LoadAsync(CancellationToken.None);
            await catalog.ReloadAsync(CancellationToken.None);
            Volatile.Write(ref _seen, current);
        }
        finally
        {
            _reloading.Release();
        }
    }
}
