using Microsoft.EntityFrameworkCore;
using TokenPortal.Core.Billing;
using TokenPortal.Core.Catalog;
using TokenPortal.Core.Configuration;
using TokenPortal.Core.Data.Entities;

namespace TokenPortal.Core.Data;

/// <summary>
/// Writes the configured providers and models into the database at start. Configuration wins
/// for the entries it names, unless an admin has since edited them in the portal; entries created
/// in the database alone are left as they are.
/// </summary>
internal static class CatalogSeeder
{
    public static async Task SeedAsync(TokenPortalDbContext db, TokenPortalOptions options, ProviderKeyProtector keys, CancellationToken cancellationToken)
    {
        var providers = await db.Providers.ToDictionaryAsync(p => p.Name, StringComparer.OrdinalIgnoreCase, cancellationToken);
        foreach (var configured in options.Providers)
        {
            if (!providers.TryGetValue(configured.Name, out var record))
            {
                record = new ProviderRecord { Name = configured.Name, BaseUrl = configured.BaseUrl };
                db.Providers.Add(record);
                providers[configured.Name] = record;
            }
            else if (record.EditedAt is not null)
            {
                continue;
            }
            record.Kind = configured.Kind;
            record.BaseUrl = configured.BaseUrl;
            var configuredKeys = ProviderKeyProtector.JoinKeys(configured.EffectiveApiKeys);
            if (keys.Unprotect(record.ApiKey) != configuredKeys)
                record.ApiKey = keys.Protect(configuredKeys);
            record.TimeoutSeconds = configured.TimeoutSeconds;
            record.UpstreamRpm = configured.UpstreamRpm;
        }
        // Keys stored before they were encrypted (or typed into the database by hand) are encrypted now.
        foreach (var record in providers.Values.Where(p => p.ApiKey is { Length: > 0 } && !ProviderKeyProtector.IsProtected(p.ApiKey)))
            record.ApiKey = keys.Protect(record.ApiKey);
        await db.SaveChangesAsync(cancellationToken);

        var models = await db.Models.Include(m => m.Channels).ToDictionaryAsync(m => m.PublicId, StringComparer.OrdinalIgnoreCase, cancellationToken);
        foreach (var configured in options.Models)
        {
            if (!models.TryGetValue(configured.Id, out var record))
            {
                record = new ModelRecord { PublicId = configured.Id };
                db.Models.Add(record);
            }
            else if (record.EditedAt is not null)
            {
                continue;
            }
            SeedChannels(record, configured, providers);
            record.Kind = configured.Kind;
            record.InputMicrosPerMillion = MicroUsd.FromUsd(configured.InputPerMillionUsd);
            record.CachedInputMicrosPerMillion = MicroUsd.FromUsd(configured.CachedInputPerMillionUsd ?? configured.InputPerMillionUsd);
            record.OutputMicrosPerMillion = MicroUsd.FromUsd(configured.OutputPerMillionUsd);
            record.CacheWriteMicrosPerMillion = configured.CacheWritePerMillionUsd is { } cacheWrite ? MicroUsd.FromUsd(cacheWrite) : null;
            record.CacheWrite1hMicrosPerMillion = configured.CacheWrite1hPerMillionUsd is { } cacheWrite1h ? MicroUsd.FromUsd(cacheWrite1h) : null;
            record.ContextLength = configured.ContextLength;
            record.InputModalities = Modalities.Join(Modalities.Checked(configured.InputModalities, Modalities.KnownInputs, "input"));
            record.OutputModalities = Modalities.Join(Modalities.Checked(configured.OutputModalities, Modalities.KnownOutputs, "output"));
            record.MaxOutputTokens = configured.MaxOutputTokens;
            record.Aliases = configured.Aliases.Count > 0 ? string.Join(',', configured.Aliases) : null;
            record.MaxImageTokens = configured.MaxImageTokens;
            record.Reasoning = configured.Reasoning;
            record.AllowedParameters = configured.AllowedParameters.Count > 0 ? string.Join(',', configured.AllowedParameters) : null;
        }
        await db.SaveChangesAsync(cancellationToken);
    }

    /// <summary>Makes the model's channels those configured, keeping the rows (and so the health history) of the ones that stay.</summary>
    private static void SeedChannels(ModelRecord record, ModelOptions configured, Dictionary<string, ProviderRecord> providers)
    {
        var wanted = configured.EffectiveChannels
            .Select(c => (Provider: providers[c.Provider], UpstreamModel: c.UpstreamModel ?? configured.Id, c.Weight, c.Priority, c.Enabled))
            .ToList();
        record.Channels.RemoveAll(existing => !wanted.Any(w => w.Provider.Id == existing.ProviderId && w.UpstreamModel == existing.UpstreamModel));
        foreach (var channel in wanted)
        {
            var row = record.Channels.FirstOrDefault(c => c.ProviderId == channel.Provider.Id && c.UpstreamModel == channel.UpstreamModel);
            if (row is null)
            {
                row = new ModelChannel { Provider = channel.Provider, UpstreamModel = channel.UpstreamModel };
                record.Channels.Add(row);
            }
            row.Weight = channel.Weight;
            row.Priority = channel.Priority;
            row.Enabled = channel.Enabled;
        }
    }
}
