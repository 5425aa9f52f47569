using System.Collections.Immutable;
using System.Globalization;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Primitives;
using TokenPortal.Core.Data;
using TokenPortal.Core.Data.Entities;

namespace TokenPortal.Core.Configuration;

/// <summary>
/// Admin overrides stored in the database and laid over the bound <see cref="TokenPortalOptions"/>.
/// Saving fires the options change token, so every <see cref="IOptionsMonitor{T}"/> reader sees the
/// new values on its next request: no restart.
/// </summary>
public sealed class SiteSettings(IDbContextFactory<TokenPortalDbContext> dbFactory, ChangeStamp changeStamp, Admin.IAuditLog audit)
    : IPostConfigureOptions<TokenPortalOptions>, IOptionsChangeTokenSource<TokenPortalOptions>
{
    private volatile ImmutableDictionary<string, string> _overrides = ImmutableDictionary<string, string>.Empty;
    private CancellationTokenSource _changed = new();

    public string? Name => Options.DefaultName;

    public IReadOnlyDictionary<string, string> Overrides => _overrides;

    public IChangeToken GetChangeToken() => new CancellationChangeToken(_changed.Token);

    public async Task LoadAsync(CancellationToken cancellationToken)
    {
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        // Secrets the gateway keeps in the same table are no settings: never shown, never edited.
        var rows = await db.SiteSettings.AsNoTracking().Where(s => !s.Key.StartsWith("Secrets:")).ToListAsync(cancellationToken);
        Publish(rows.ToImmutableDictionary(r => r.Key, r => r.Value));
    }

    /// <summary>Stores the given overrides (a null value removes one) after checking each parses.</summary>
    public async Task SaveAsync(IReadOnlyDictionary<string, string?> changes, string actor, CancellationToken cancellationToken)
    {
        foreach (var (key, value) in changes)
        {
            if (!SiteSettingKeys.All.Contains(key))
                throw new ArgumentException($"'{key}' is not a setting an admin can change.", nameof(changes));
            if (value is not null)
                Apply(new TokenPortalOptions(), key, value);
        }

        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        foreach (var (key, value) in changes)
        {
            var row = await db.SiteSettings.FindAsync([key], cancellationToken);
            if (value is null)
            {
                if (row is not null)
                    db.SiteSettings.Remove(row);
            }
            else if (row is null)
                db.SiteSettings.Add(new SiteSetting { Key = key, Value = value });
            else
                row.Value = value;
        }
        await db.SaveChangesAsync(cancellationToken);
        await LoadAsync(cancellationToken);
        changeStamp.Publish();
        if (changes.Count > 0)
            await audit.WriteAsync(actor, "settings.edit", "site settings",
                string.Join("; ", changes.Select(c => $"{c.Key} = {c.Value ?? "(configuration)"}")), cancellationToken);
    }

    public void PostConfigure(string? name, TokenPortalOptions options)
    {
        foreach (var (key, value) in _overrides)
        {
            // A row written by a newer version or by hand that no longer parses is ignored, not fatal.
            try { Apply(options, key, value); }
            catch (FormatException) { }
            catch (OverflowException) { }
        }
    }

    private void Publish(ImmutableDictionary<string, string> overrides)
    {
        _overrides = overrides;
        var previous = Interlocked.Exchange(ref _changed, new CancellationTokenSource());
        previous.Cancel();
        previous.Dispose();
    }

    private static void Apply(TokenPortalOptions options, string key, string value)
    {
        switch (key)
        {
            case SiteSettingKeys.PriceMultiplier:
                options.PriceMultiplier = Positive(decimal.Parse(value, CultureInfo.InvariantCulture));
                break;
            case SiteSettingKeys.SignupCreditUsd:
                var credit = decimal.Parse(value, CultureInfo.InvariantCulture);
                options.SignupCreditUsd = credit >= 0 ? credit : throw new FormatException("The signup credit cannot be negative.");
                break;
            case SiteSettingKeys.UserMaxConcurrent:
                options.Defaults.UserMaxConcurrent = (int)Positive(int.Parse(value, CultureInfo.InvariantCulture));
                break;
            case SiteSettingKeys.KeyRpm:
                options.Defaults.KeyRpm = OptionalLimit(value);
                break;
            case SiteSettingKeys.KeyTpm:
                options.Defaults.KeyTpm = OptionalLimit(value);
                break;
            case SiteSettingKeys.GlobalUpstreamRpm:
                options.GlobalLimits.UpstreamRpm = OptionalLimit(value);
                break;
        }
    }

    private static int? OptionalLimit(string value) =>
        value.Length == 0 ? null : (int)Positive(int.Parse(value, CultureInfo.InvariantCulture));

    private static decimal Positive(decimal value) => value > 0 ? value : throw new FormatException("The value must be positive.");
}
