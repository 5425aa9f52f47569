using System.Security.Cryptography;
using System.Text;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.EntityFrameworkCore;
using TokenPortal.Core.Data;
using TokenPortal.Core.Data.Entities;

namespace TokenPortal.Core.Gateway;

/// <summary>
/// OpenAI's <c>safety_identifier</c> for each of our users: a keyed hash of the user id, stable per user, meaningless
/// outside this site. With it, OpenAI can act on the one user who abuses a model instead of on the operator's whole
/// account, which every tenant shares. The key is made once per database (so every instance agrees) and is stored
/// encrypted with Data Protection.
/// </summary>
public sealed class SafetyIdentifiers(IDbContextFactory<TokenPortalDbContext> dbFactory, IDataProtectionProvider protection)
{
    internal const string SettingKey = "Secrets:SafetyIdentifierKey";

    private readonly IDataProtector _protector = protection.CreateProtector("TokenPortal.SafetyIdentifierKey.v1");
    private readonly SemaphoreSlim _loading = new(1, 1);
    private volatile byte[]? _key;

    public async ValueTask<string> ForAsync(string userId)
    {
        var key = _key ?? await LoadAsync();
        Span<byte> hash = stackalloc byte[HMACSHA256.HashSizeInBytes];
        HMACSHA256.HashData(key, Encoding.UTF8.GetBytes(userId), hash);
        return "tp_" + Convert.ToHexStringLower(hash[..16]);
    }

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
