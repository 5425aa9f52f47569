using System.Collections.Frozen;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using TokenPortal.Core.Billing;
using TokenPortal.Core.Configuration;
using TokenPortal.Core.Data;
using TokenPortal.Core.Data.Entities;

namespace TokenPortal.Core.Catalog;

/// <inheritdoc />
internal sealed class ModelCatalog(IDbContextFactory<TokenPortalDbContext> dbFactory, IOptionsMonitor<TokenPortalOptions> options, ProviderKeyProtector keys) : IModelCatalog
{
    private volatile Snapshot _snapshot = Snapshot.Empty;

    public IReadOnlyList<CatalogModel> Models => _snapshot.Models;

    public CatalogModel? Find(string idOrAlias) => _snapshot.ByName.GetValueOrDefault(idOrAlias);

    public async Task ReloadAsync(CancellationToken cancellationToken)
    {
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        var records = await db.Models.AsNoTracking()
            .Include(m => m.Channels.Where(c => c.Enabled && c.Provider!.Enabled)).ThenInclude(c => c.Provider)
            .Where(m => m.Enabled && m.Channels.Any(c => c.Enabled && c.Provider!.Enabled))
            .OrderBy(m => m.PublicId)
            .ToListAsync(cancellationToken);

        var multiplier = options.CurrentValue.PriceMultiplier;
        var providers = new Dictionary<long, CatalogProvider>();
        var models = new List<CatalogModel>(records.Count);
        foreach (var record in records)
        {
            var channels = record.Channels
                .OrderBy(c => c.Priority).ThenBy(c => c.Id)
                .Select(c => new CatalogChannel(c.Id, ProviderOf(c.Provider!, providers), c.UpstreamModel, c.Weight, c.Priority))
                .ToList();
            var (cacheWrite, cacheWrite1h) = CacheWritePrices.Defaults(record.InputMicrosPerMillion, channels.Select(c => c.Provider.Kind));
            var price = ModelPrice.FromList(record.InputMicrosPerMillion, record.CachedInputMicrosPerMillion, record.OutputMicrosPerMillion, multiplier,
                record.CacheWriteMicrosPerMillion ?? cacheWrite, record.CacheWrite1hMicrosPerMillion ?? cacheWrite1h);
            var aliases = (record.Aliases ?? "").Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
            models.Add(new CatalogModel(record.PublicId, channels, record.Kind, price, record.MaxOutputTokens, aliases)
            {
                MaxImageTokens = record.MaxImageTokens ?? channels.Max(c => ImageTokenBounds.For(c.Provider.Kind)),
                Reasoning = record.Reasoning,
                ContextLength = record.ContextLength,
                InputModalities = record.InputModalities is null ? Modalities.DefaultInputs : Modalities.Split(record.InputModalities),
                OutputModalities = record.OutputModalities is null ? Modalities.DefaultOutputs(record.Kind) : Modalities.Split(record.OutputModalities),
                AllowedParameters = (record.AllowedParameters ?? "").Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
                    .ToHashSet(StringComparer.Ordinal),
            });
        }

        var byName = new Dictionary<string, CatalogModel>(StringComparer.OrdinalIgnoreCase);
        foreach (var model in models)
        {
            foreach (var name in model.Aliases.Prepend(model.Id))
                byName.TryAdd(name, model);
        }
        _snapshot = new Snapshot(models, byName.ToFrozenDictionary(StringComparer.OrdinalIgnoreCase));
    }

    private CatalogProvider ProviderOf(ProviderRecord p, Dictionary<long, CatalogProvider> providers)
    {
        if (!providers.TryGetValue(p.Id, out var provider))
        {
            provider = new CatalogProvider(p.Id, p.Name, p.Kind, new Uri(p.BaseUrl.TrimEnd('/') + "/"),
                ProviderKeyProtector.SplitKeys(keys.Unprotect(p.ApiKey)), TimeSpan.FromSeconds(p.TimeoutSeconds), p.UpstreamRpm);
            providers[p.Id] = provider;
        }
        return provider;
    }

    private sealed record Snapshot(IReadOnlyList<CatalogModel> Models, FrozenDictionary<string, CatalogModel> ByName)
    {
        public static readonly Snapshot Empty = new([], FrozenDictionary<string, CatalogModel>.Empty);
    }
}
