using System.Collections.Concurrent;

namespace TokenPortal.Core.Routing;

/// <summary>
/// One provider's API keys in turn. A key the upstream answered 401 or 403 is taken out until an admin restores it
/// (or replaces the provider's keys), so one revoked key does not fail every other request.
/// </summary>
public sealed class ProviderKeyRing
{
    private readonly ConcurrentDictionary<string, RefusedKey> _refused = new(StringComparer.Ordinal);
    private uint _turn;

    /// <summary>
    /// The key for the next attempt, or null for a provider that needs none. False when every key was refused.
    /// </summary>
    public bool TryNext(IReadOnlyList<string> keys, out string? key)
    {
        key = null;
        if (keys.Count == 0)
            return true;
        var start = Interlocked.Increment(ref _turn);
        for (var i = 0; i < keys.Count; i++)
        {
            var candidate = keys[(int)((start + (uint)i) % (uint)keys.Count)];
            if (_refused.IsEmpty || !_refused.ContainsKey(candidate))
            {
                key = candidate;
                return true;
            }
        }
        return false;
    }

    public void TakeOut(string key, int status, DateTimeOffset at) =>
        _refused.TryAdd(key, new RefusedKey("…" + key[Math.Max(0, key.Length - 4)..], status, at));

    /// <summary>The refused keys among <paramref name="keys"/> (those of the provider as it is configured now).</summary>
    public IReadOnlyList<RefusedKey> RefusedAmong(IReadOnlyList<string> keys) =>
        [.. keys.Select(k => _refused.GetValueOrDefault(k)).OfType<RefusedKey>()];

    public void RestoreAll() => _refused.Clear();
}
