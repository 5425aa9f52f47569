using System.Globalization;
using Microsoft.EntityFrameworkCore;
using TokenPortal.Core.Catalog;
using TokenPortal.Core.Data;
using TokenPortal.Core.Data.Entities;

namespace TokenPortal.Core.Admin;

/// <inheritdoc />
internal sealed class CatalogAdministration(IDbContextFactory<TokenPortalDbContext> dbFactory, IModelCatalog catalog, ChangeStamp changes, IAuditLog audit, ProviderKeyProtector keys, TimeProvider clock) : ICatalogAdministration
{
    public async Task<IReadOnlyList<ProviderRecord>> ProvidersAsync(CancellationToken cancellationToken)
    {
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        return await db.Providers.AsNoTracking().OrderBy(p => p.Name).ToListAsync(cancellationToken);
    }

    public async Task<IReadOnlyList<ModelRecord>> ModelsAsync(CancellationToken cancellationToken)
    {
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        return await db.Models.AsNoTracking().Include(m => m.Channels.OrderBy(c => c.Priority).ThenBy(c => c.Id)).ThenInclude(c => c.Provider)
            .OrderBy(m => m.PublicId).ToListAsync(cancellationToken);
    }

    public async Task SaveModelAsync(ModelEdit edit, string actor, CancellationToken cancellationToken)
    {
        var (input, cached, output) = CatalogRules.Prices(edit.InputPerMillionUsd, edit.CachedInputPerMillionUsd, edit.OutputPerMillionUsd, edit.MaxOutputTokens);

        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        var model = await db.Models.SingleOrDefaultAsync(m => m.Id == edit.Id, cancellationToken)
            ?? throw new ArgumentException($"No model has id {edit.Id}.", nameof(edit));
        if (edit.Aliases is not null)
        {
            var aliases = CatalogRules.Aliases(edit.Aliases, model.PublicId);
            CatalogRules.Unclaimed(aliases, await NamesAsync(db, cancellationToken), exceptModelId: model.Id);
            model.Aliases = CatalogRules.JoinAliases(aliases);
        }
        model.InputMicrosPerMillion = input;
        model.CachedInputMicrosPerMillion = cached;
        model.OutputMicrosPerMillion = output;
        model.MaxOutputTokens = edit.MaxOutputTokens;
        model.Enabled = edit.Enabled;
        var details = edit.Details is null ? "" : "; " + CatalogRules.ApplyDetails(edit.Details, model);
        model.EditedAt = clock.GetUtcNow();
        await ApplyAsync(db, actor, "model.edit", model.PublicId, string.Create(CultureInfo.InvariantCulture,
            $"input {edit.InputPerMillionUsd}, cached {edit.CachedInputPerMillionUsd}, output {edit.OutputPerMillionUsd} USD per million; max output {edit.MaxOutputTokens}; aliases {model.Aliases ?? "none"}; {(edit.Enabled ? "enabled" : "disabled")}{details}"), cancellationToken);
    }

    public async Task<long> AddModelAsync(NewModel model, string actor, CancellationToken cancellationToken)
    {
        var publicId = CatalogRules.ModelName(model.PublicId, "model id");
        var aliases = CatalogRules.Aliases(model.Aliases ?? [], publicId);
        var (input, cached, output) = CatalogRules.Prices(model.InputPerMillionUsd, model.CachedInputPerMillionUsd, model.OutputPerMillionUsd, model.MaxOutputTokens);
        CatalogRules.Channels(model.Channels);

        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        CatalogRules.Unclaimed(aliases.Prepend(publicId), await NamesAsync(db, cancellationToken), exceptModelId: null);
        var providers = await ProviderNamesAsync(db, model.Channels, cancellationToken);
        var record = new ModelRecord
        {
            PublicId = publicId,
            Kind = model.Kind,
            InputMicrosPerMillion = input,
            CachedInputMicrosPerMillion = cached,
            OutputMicrosPerMillion = output,
            MaxOutputTokens = model.MaxOutputTokens,
            Aliases = CatalogRules.JoinAliases(aliases),
            Reasoning = model.Reasoning,
            // Made here, so configuration that later names the same id does not overwrite it at start.
            EditedAt = clock.GetUtcNow(),
            Channels = [.. model.Channels.Select(c => new ModelChannel
                { ProviderId = c.ProviderId, UpstreamModel = c.UpstreamModel.Trim(), Weight = c.Weight, Priority = c.Priority, Enabled = c.Enabled })],
        };
        var details = CatalogRules.ApplyDetails(model.Details ?? new ModelDetails(), record);
        db.Models.Add(record);
        await ApplyAsync(db, actor, "model.add", publicId, string.Create(CultureInfo.InvariantCulture,
            $"{model.Kind}; input {model.InputPerMillionUsd}, cached {model.CachedInputPerMillionUsd}, output {model.OutputPerMillionUsd} USD per million; max output {model.MaxOutputTokens}; aliases {record.Aliases ?? "none"}; {details}; channels {Describe(model.Channels, providers)}"), cancellationToken);
        return record.Id;
    }

    public async Task SaveChannelsAsync(long modelId, IReadOnlyList<ChannelEdit> channels, string actor, CancellationToken cancellationToken)
    {
        CatalogRules.Channels(channels);

        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        var model = await db.Models.Include(m => m.Channels).SingleOrDefaultAsync(m => m.Id == modelId, cancellationToken)
            ?? throw new ArgumentException($"No model has id {modelId}.", nameof(modelId));
        var providers = await ProviderNamesAsync(db, channels, cancellationToken);

        // Channels that stay keep their rows, and with them their health on every server.
        model.Channels.RemoveAll(existing => !channels.Any(c => c.Id == existing.Id));
        foreach (var edit in channels)
        {
            var row = model.Channels.FirstOrDefault(c => c.Id == edit.Id);
            if (row is null)
            {
                row = new ModelChannel { UpstreamModel = edit.UpstreamModel.Trim() };
                model.Channels.Add(row);
            }
            row.ProviderId = edit.ProviderId;
            row.UpstreamModel = edit.UpstreamModel.Trim();
            row.Weight = edit.Weight;
            row.Priority = edit.Priority;
            row.Enabled = edit.Enabled;
        }
        model.EditedAt = clock.GetUtcNow();
        await ApplyAsync(db, actor, "model.channels", model.PublicId, Describe(channels, providers), cancellationToken);
    }

    public async Task SaveProviderAsync(ProviderEdit edit, string actor, CancellationToken cancellationToken)
    {
        var baseUrl = CatalogRules.BaseUrl(edit.BaseUrl);
        CatalogRules.Limits(edit.TimeoutSeconds, edit.UpstreamRpm);

        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        var provider = await db.Providers.SingleOrDefaultAsync(p => p.Id == edit.Id, cancellationToken)
            ?? throw new ArgumentException($"No provider has id {edit.Id}.", nameof(edit));
        // Several keys may be typed at once; they are used in turn.
        var newKey = ProviderKeyProtector.JoinKeys(ProviderKeyProtector.ParseTyped(edit.NewApiKey));
        // The key goes wherever the base URL points: moving it is only allowed by someone who can type the key in again
        // (a stolen admin session must not be able to send the stored key to a host of its choosing).
        if (!string.Equals(provider.BaseUrl, baseUrl, StringComparison.Ordinal) && provider.ApiKey is not null && newKey is null)
            throw new ArgumentException("Changing the base URL needs the provider's API key entered again.", nameof(edit));
        provider.BaseUrl = baseUrl;
        if (newKey is not null)
            provider.ApiKey = keys.Protect(newKey);
        provider.TimeoutSeconds = edit.TimeoutSeconds;
        provider.UpstreamRpm = edit.UpstreamRpm;
        provider.Enabled = edit.Enabled;
        provider.EditedAt = clock.GetUtcNow();
        await ApplyAsync(db, actor, "provider.edit", provider.Name, string.Create(CultureInfo.InvariantCulture,
            $"base URL {provider.BaseUrl}; {(newKey is null ? "keys kept" : $"keys replaced ({ProviderKeyProtector.SplitKeys(newKey).Count})")}; timeout {edit.TimeoutSeconds} s; upstream RPM {edit.UpstreamRpm?.ToString() ?? "none"}; {(edit.Enabled ? "enabled" : "disabled")}"), cancellationToken);
    }

    public async Task<long> AddProviderAsync(NewProvider provider, string actor, CancellationToken cancellationToken)
    {
        var name = CatalogRules.ProviderName(provider.Name);
        var baseUrl = CatalogRules.BaseUrl(provider.BaseUrl);
        CatalogRules.Limits(provider.TimeoutSeconds, provider.UpstreamRpm);
        var typedKeys = ProviderKeyProtector.ParseTyped(provider.ApiKeys);

        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        // Names compare as configuration matches them at start: without case.
        var upper = name.ToUpperInvariant();
        if (await db.Providers.AnyAsync(p => p.Name.ToUpper() == upper, cancellationToken))
            throw new ArgumentException($"A provider named '{name}' exists already.", nameof(provider));
        var record = new ProviderRecord
        {
            Name = name,
            Kind = provider.Kind,
            BaseUrl = baseUrl,
            ApiKey = keys.Protect(ProviderKeyProtector.JoinKeys(typedKeys)),
            TimeoutSeconds = provider.TimeoutSeconds,
            UpstreamRpm = provider.UpstreamRpm,
            EditedAt = clock.GetUtcNow(),
        };
        db.Providers.Add(record);
        await ApplyAsync(db, actor, "provider.add", name, string.Create(CultureInfo.InvariantCulture,
            $"{provider.Kind} at {baseUrl}; {typedKeys.Count} keys; timeout {provider.TimeoutSeconds} s; upstream RPM {provider.UpstreamRpm?.ToString(CultureInfo.InvariantCulture) ?? "none"}"), cancellationToken);
        return record.Id;
    }

    /// <summary>Saves an edit, reloads this server's catalog, tells the others, and audits who did it.</summary>
    private async Task ApplyAsync(TokenPortalDbContext db, string actor, string action, string target, string detail, CancellationToken cancellationToken)
    {
        await db.SaveChangesAsync(cancellationToken);
        await catalog.ReloadAsync(cancellationToken);
        changes.Publish();
        await audit.WriteAsync(actor, action, target, detail, cancellationToken);
    }

    private static async Task<List<(long Id, string PublicId, string? Aliases)>> NamesAsync(TokenPortalDbContext db, CancellationToken cancellationToken) =>
        (await db.Models.AsNoTracking().Select(m => new { m.Id, m.PublicId, m.Aliases }).ToListAsync(cancellationToken))
            .Select(m => (m.Id, m.PublicId, m.Aliases)).ToList();

    /// <summary>The names of the channels' providers, refusing an id no provider has.</summary>
    private static async Task<Dictionary<long, string>> ProviderNamesAsync(TokenPortalDbContext db, IReadOnlyList<ChannelEdit> channels, CancellationToken cancellationToken)
    {
        var providers = await db.Providers.AsNoTracking().ToDictionaryAsync(p => p.Id, p => p.Name, cancellationToken);
        if (channels.FirstOrDefault(c => !providers.ContainsKey(c.ProviderId)) is { } unknown)
            throw new ArgumentException($"No provider has id {unknown.ProviderId}.", nameof(channels));
        return providers;
    }

    private static string Describe(IReadOnlyList<ChannelEdit> channels, Dictionary<long, string> providers) =>
        string.Join("; ", channels.Select(c => string.Create(CultureInfo.InvariantCulture,
            $"{providers[c.ProviderId]}/{c.UpstreamModel.Trim()} weight {c.Weight} priority {c.Priority} {(c.Enabled ? "enabled" : "disabled")}")));
}
