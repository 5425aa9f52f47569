using System.Security.Cryptography;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.EntityFrameworkCore;
using TokenPortal.Core.Data.Entities;

namespace TokenPortal.Core.Data;

/// <summary>
/// A 32-byte secret made once per database (so every instance agrees) and stored encrypted with Data Protection: the
/// key of the site's keyed hashes, pseudonyms that are stable here and meaningless elsewhere (OpenAI's
/// <c>safety_identifier</c>, the external identities that earned a signup credit).
/// </summary>
public sealed class SiteSecret(IDbContextFactory<TokenPortalDbContext> dbFactory, IDataProtectionProvider protection)
{
    /// <summary>Named for its first use; renaming it would change every pseudonym already given out.</summary>
    internal const string SettingKey = "Secrets:SafetyIdentifierKey";

    private readonly IDataProtector _protector = protection.CreateProtector("TokenPortal.SafetyIdentifierKey.v1");
    private readonly SemaphoreSlim _loading = new(1, 1);
    private volatile byte[]? _key;

    public ValueTask<byte[]> KeyAsync() => _key is { } key ? ValueTask.FromResult(key) : new(LoadAsync());

    private async Task<byte[]> LoadAsync()
    {
        await _loading.WaitAsync();
        try
        {
            if (_key is { } loaded)
                return loaded;
            await using var db = await dbFactory.CreateDbContextAsync();
            var stored = await db.SiteSettings.AsNoTracking().Where(s => s.Key == SettingKey).Select(s => s.Value).FirstOrDefaultAsync();
            if (stored is null)
            {
                db.SiteSettings.Add(new SiteSetting { Key = SettingKey, Value = _protector.Protect(Convert.ToBase64String(RandomNumberGenerator.GetBytes(32))) });
                try
                {
                    await db.SaveChangesAsync();
                }
                catch (DbUpdateException)
                {
                    // Another process made it first: use theirs.
                }
                await using var again = await dbFactory.CreateDbContextAsync();
                stored = await again.SiteSettings.AsNoTracking().Where(s => s.Key == SettingKey).Select(s => s.Value).SingleAsync();
            }
            return _key = Convert.FromBase64String(_protector.Unprotect(stored));
        }
        finally
        {
            _loading.Release();
        }
    }
}
