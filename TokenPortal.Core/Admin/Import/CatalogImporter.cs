using System.Globalization;
using TokenPortal.Core.Billing;
using TokenPortal.Core.Catalog;
using TokenPortal.Core.Configuration;
using TokenPortal.Core.Data.Entities;

namespace TokenPortal.Core.Admin.Import;

/// <inheritdoc />
/// <remarks>
/// A model matches an entry whose id (or id without its "provider/" prefix) is the model's id, an alias or a
/// channel's upstream model. Where several entries match (models.dev lists a model under every host that sells it),
/// the one whose id is the model's own id wins, then the one from the provider that serves it; if they still
/// disagree on price, the model is left alone and reported. Only what the list states is changed.
/// </remarks>
internal sealed class CatalogImporter(ICatalogAdministration catalog) : ICatalogImporter
{
    public async Task<CatalogImportPlan> PlanAsync(IReadOnlyList<PriceListEntry> entries, CancellationToken cancellationToken)
    {
        var byName = entries.SelectMany(e => e.Names.Select(name => (name, e)))
            .ToLookup(pair => pair.name, pair => pair.e, StringComparer.OrdinalIgnoreCase);
        var changes = new List<ModelImportChange>();
        var notInList = new List<string>();
        var ambiguous = new List<string>();
        foreach (var model in await catalog.ModelsAsync(cancellationToken))
        {
            var names = CatalogRules.SplitAliases(model.Aliases).Prepend(model.PublicId).Concat(model.Channels.Select(c => c.UpstreamModel));
            var candidates = names.SelectMany(n => byName[n]).Distinct().ToList();
            switch (Choose(model, candidates))
            {
                case null when candidates.Count == 0:
                    notInList.Add(model.PublicId);
                    break;
                case null:
                    ambiguous.Add($"{model.PublicId} ({string.Join(", ", candidates.Select(c => c.Provider is null ? c.Id : $"{c.Provider}: {c.Id}").Take(5))})");
                    break;
                case { } entry when Change(model, entry) is { } change:
                    changes.Add(change);
                    break;
            }
        }
        return new CatalogImportPlan(entries.Count, changes, notInList, ambiguous);
    }

    public async Task ApplyAsync(CatalogImportPlan plan, string actor, CancellationToken cancellationToken)
    {
        foreach (var change in plan.Changes)
            await catalog.SaveModelAsync(change.Edit, actor, cancellationToken);
    }

    private static PriceListEntry? Choose(ModelRecord model, List<PriceListEntry> candidates)
    {
        if (candidates.Count <= 1)
            return candidates.FirstOrDefault();
        IEnumerable<PriceListEntry> narrowed = candidates;
        var own = candidates.Where(c => string.Equals(c.Id, model.PublicId, StringComparison.OrdinalIgnoreCase)).ToList();
        if (own.Count > 0)
            narrowed = own;
        var servedBy = model.Channels.Select(c => c.Provider).OfType<ProviderRecord>().SelectMany(ProviderNames).ToHashSet(StringComparer.OrdinalIgnoreCase);
        var fromServer = narrowed.Where(c => c.Provider is not null && servedBy.Contains(c.Provider)).ToList();
        if (fromServer.Count > 0)
            narrowed = fromServer;
        var left = narrowed.ToList();
        return left.Select(e => (e.InputPerMillionUsd, e.CachedInputPerMillionUsd, e.OutputPerMillionUsd, e.CacheWritePerMillionUsd)).Distinct().Count() == 1 ? left[0] : null;
    }

    /// <summary>The names a price list may give the provider: its own, and its kind's company.</summary>
    private static IEnumerable<string> ProviderNames(ProviderRecord provider) => provider.Kind switch
    {
        ProviderKind.OpenAI => [provider.Name, "openai"],
        ProviderKind.Anthropic => [provider.Name, "anthropic"],
        ProviderKind.Gemini => [provider.Name, "google"],
        _ => [provider.Name],
    };

    private static ModelImportChange? Change(ModelRecord model, PriceListEntry entry)
    {
        var fields = new List<FieldChange>();
        var input = Price(fields, "input", model.InputMicrosPerMillion, entry.InputPerMillionUsd);
        var cached = Price(fields, "cached input", model.CachedInputMicrosPerMillion, entry.CachedInputPerMillionUsd);
        // An embeddings model has no output: a list's output price for it changes nothing we charge.
        var output = model.Kind == ModelKind.Embedding
            ? MicroUsd.ToUsd(model.OutputMicrosPerMillion)
            : Price(fields, "output", model.OutputMicrosPerMillion, entry.OutputPerMillionUsd);
        var cacheWrite = model.CacheWriteMicrosPerMillion is { } current
            ? Price(fields, "cache write", current, entry.CacheWritePerMillionUsd)
            : entry.CacheWritePerMillionUsd is { } listed ? Added(fields, "cache write", "default", listed) : (decimal?)null;
        var context = model.ContextLength;
        if (entry.ContextLength is { } length && length != context)
        {
            fields.Add(new FieldChange("context", context is { } before ? Count(before) : "unknown", Count(length)));
            context = length;
        }
        var inputs = Modalities(fields, "reads", model.InputModalities, Catalog.Modalities.DefaultInputs, entry.InputModalities);
        var outputs = Modalities(fields, "writes", model.OutputModalities, Catalog.Modalities.DefaultOutputs(model.Kind), entry.OutputModalities);
        if (fields.Count == 0)
            return null;
        var details = new ModelDetails(context, inputs, outputs, cacheWrite,
            model.CacheWrite1hMicrosPerMillion is { } hour ? MicroUsd.ToUsd(hour) : null);
        var edit = new ModelEdit(model.Id, input, cached, output, model.MaxOutputTokens, model.Enabled, Details: details);
        return new ModelImportChange(model.PublicId, entry.Id, fields, edit);
    }

    /// <summary>The price after the import (the list's when it states one), noting a change.</summary>
    private static decimal Price(List<FieldChange> fields, string name, long currentMicros, decimal? listed)
    {
        var current = MicroUsd.ToUsd(currentMicros);
        if (listed is not { } price || price == current)
            return current;
        fields.Add(new FieldChange(name, Usd(current), Usd(price)));
        return price;
    }

    private static decimal Added(List<FieldChange> fields, string name, string before, decimal price)
    {
        fields.Add(new FieldChange(name, before, Usd(price)));
        return price;
    }

    private static IReadOnlyList<string>? Modalities(List<FieldChange> fields, string name, string? stored, IReadOnlyList<string> defaults, IReadOnlyList<string>? listed)
    {
        var current = stored is null ? defaults : Catalog.Modalities.Split(stored);
        if (listed is not { Count: > 0 } || listed.Order().SequenceEqual(current.Order()))
            return stored is null ? null : current;
        fields.Add(new FieldChange(name, string.Join(", ", current), string.Join(", ", listed)));
        return listed;
    }

    private static string Usd(decimal price) => "$" + price.ToString("0.00####", CultureInfo.InvariantCulture);

    private static string Count(int tokens) => tokens.ToString("#,##0", CultureInfo.InvariantCulture);
}
