using System.Collections.Concurrent;
using Microsoft.EntityFrameworkCore;
using TokenPortal.Core.Data;

namespace TokenPortal.Core.Keys;

/// <summary>
/// Validates keys against the database once and then from memory. A revocation, a key disabled or changed, or a disabled
/// user evicts at once: in this process directly, from another (the admin CLI) through the <see cref="Data.ChangeStamp"/>.
/// Entries also expire after <see cref="CacheLifetime"/>, for changes made behind the gateway's back.
/// </summary>
internal sealed class ApiKeyAuthenticator(IDbContextFactory<TokenPortalDbContext> dbFactory, TimeProvider clock) : IApiKeyAuthenticator
{
    internal static readonly TimeSpan CacheLifetime = TimeSpan.FromSeconds(30);
    private const int SweepThreshold = 10_000;

    private readonly ConcurrentDictionary<string, CacheEntry> _cache = new(StringComparer.Ordinal);

    // Counts evictions: a lookup that read the database before an eviction must not cache what it read.
    private long _evictions;

    public async ValueTask<AuthenticatedKey?> AuthenticateAsync(string? presentedKey, CancellationToken cancellationToken)
    {
        if (presentedKey is null || !ApiKeyFormat.IsWellFormed(presentedKey))
            return null;

        var hash = ApiKeyFormat.Hash(presentedKey);
        var now = clock.GetUtcNow();
        if (!_cache.TryGetValue(hash, out var entry) || entry.ExpiresAt <= now)
        {
            var evictions = Volatile.Read(ref _evictions);
            var key = await LoadAsync(hash, cancellationToken);
            if (key is null)
            {
                _cache.TryRemove(hash, out _);
                return null;
            }
            entry = new CacheEntry(key, now + CacheLifetime);
            if (evictions == Volatile.Read(ref _evictions))
            {
                _cache[hash] = entry;
                // An eviction between the check and the store: take back what may be stale (the answer itself is fine,
                // it is as old as the request).
                if (evictions != Volatile.Read(ref _evictions))
                    _cache.TryRemove(new KeyValuePair<string, CacheEntry>(hash, entry));
            }
            if (_cache.Count > SweepThreshold)
                Sweep(now);
        }

        return entry.Key.ExpiresAt is { } expires && expires <= now ? null : entry.Key;
    }

    public void Invalidate(string keyHash)
    {
        Interlocked.Increment(ref _evictions);
        _cache.TryRemove(keyHash, out _);
    }

    public void InvalidateAll()
    {
        Interlocked.Increment(ref _evictions);
        _cache.Clear();
    }

    private async Task<AuthenticatedKey?> LoadAsync(string hash, CancellationToken cancellationToken)
    {
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        var found = await db.ApiKeys.AsNoTracking()
            .Where(k => k.Hash == hash && k.RevokedAt == null && k.DisabledAt == null)
            .Join(db.Users.Where(u => !u.IsDisabled), k => k.UserId, u => u.Id, (k, u) => new { Key = k, u.MaxConcurrent, u.DefaultKeyRpm })
            .FirstOrDefaultAsync(cancellationToken);
        if (found is null)
            return null;
        var record = found.Key;

        var allowed = record.AllowedModels is { Length: > 0 } list
            ? list.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).ToHashSet(StringComparer.Ordinal)
            : null;
        return new AuthenticatedKey(record.Id, record.UserId, record.Prefix, record.ExpiresAt, allowed,
            record.Rpm, record.Tpm, record.MaxMicrosPerRequest, record.BudgetMicros, found.MaxConcurrent, found.DefaultKeyRpm);
    }

    private void Sweep(DateTimeOffset now)
    {
        foreach (var (hash, entry) in _cache)
        {
            if (entry.ExpiresAt <= now)
                _cache.TryRemove(hash, out _);
        }
    }

    private sealed record CacheEntry(AuthenticatedKey Key, DateTimeOffset ExpiresAt);
}
