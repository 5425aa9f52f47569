using Microsoft.EntityFrameworkCore;
using TokenPortal.Core.Billing;
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
        if (edit.InputPerMillionUsd < 0 || edit.CachedInputPerMillionUsd < 0 || edit.OutputPerMillionUsd < 0)
            throw new ArgumentException("Prices cannot be negative.", nameof(edit));
        if (edit.MaxOutputTokens <= 0)
            throw new ArgumentException("The output token bound must be positive.", nameof(edit));

        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        var model = await db.Models.SingleOrDefaultAsync(m => m.Id == edit.Id, cancellationToken)
            ?? throw new ArgumentException($"No model has id {edit.Id}.", nameof(edit));
        model.InputMicrosPerMillion = MicroUsd.FromUsd(edit.InputPerMillionUsd);
        model.CachedInputMicrosPerMillion = MicroUsd.FromUsd(edit.CachedInputPerMillionUsd);
        model.OutputMicrosPerMillion = MicroUsd.FromUsd(edit.OutputPerMillionUsd);
        model.MaxOutputTokens = edit.MaxOutputTokens;
        model.Enabled = edit.Enabled;
        model.EditedAt = clock.GetUtcNow();
        await ApplyAsync(db, actor, "model.edit", model.PublicId, string.Create(System.Globalization.CultureInfo.InvariantCulture,
            $"input {edit.InputPerMillionUsd}, cached {edit.CachedInputPerMillionUsd}, output {edit.OutputPerMillionUsd} USD per million; max output {edit.MaxOutputTokens}; {(edit.Enabled ? "enabled" : "disabled")}"), cancellationToken);
    }

    public async Task SaveChannelsAsync(long modelId, IReadOnlyList<ChannelEdit> channels, string actor, CancellationToken cancellationToken)
    {
        if (channels.Count == 0)
            throw new ArgumentException("A model needs at least one channel; disable the model to stop serving it.", nameof(channels));
        if (channels.Any(c => c.Weight <= 0 || string.IsNullOrWhiteSpace(c.UpstreamModel)))
            throw new ArgumentException("Every channel needs an upstream model and a positive weight.", nameof(channels));
        if (channels.GroupBy(c => (c.ProviderId, c.UpstreamModel.Trim())).Any(g => g.Count() > 1))
            throw new ArgumentException("A provider and upstream model can be listed once per model.", nameof(channels));

        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        var model = await db.Models.Include(m => m.Channels).SingleOrDefaultAsync(m => m.Id == modelId, cancellationToken)
            ?? throw new ArgumentException($"No model has id {modelId}.", nameof(modelId));
        var providers = await db.Providers.AsNoTracking().ToDictionaryAsync(p => p.Id, p => p.Name, cancellationToken);
        if (channels.FirstOrDefault(c => !providers.ContainsKey(c.ProviderId)) is { } unknown)
            throw new ArgumentException($"No provider has id {unknown.ProviderId}.", nameof(channels));

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
        await ApplyAsync(db, actor, "model.channels", model.PublicId, string.Join("; ", channels.Select(c => string.Create(System.Globalization.CultureInfo.InvariantCulture,
            $"{providers[c.ProviderId]}/{c.UpstreamModel.Trim()} weight {c.Weight} priority {c.Priority} {(c.Enabled ? "enabled" : "disabled")}"))), cancellationToken);
    }

    public async Task SaveProviderAsync(ProviderEdit edit, string actor, CancellationToken cancellationToken)
    {
        if (!Uri.TryCreate(edit.BaseUrl, UriKind.Absolute, out var url) || url.Scheme is not ("http" or "https"))
            throw new ArgumentException("The base URL must be an absolute http(s) URL.", nameof(edit));
        if (edit.TimeoutSeconds <= 0 || edit.UpstreamRpm is <= 0)
            throw new ArgumentException("The timeout and the upstream RPM must be positive.", nameof(edit));

        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        var provider = await db.Providers.SingleOrDefaultAsync(p => p.Id == edit.Id, cancellationToken)
            ?? throw new ArgumentException($"No provider has id {edit.Id}.", nameof(edit));
        // Several keys may be typed at once; they are used in turn.
        var newKey = ProviderKeyProtector.JoinKeys(ProviderKeyProtector.ParseTyped(edit.NewApiKey));
        // The key goes wherever the base URL points: moving it is only allowed by someone who can type the key in again
        // (a stolen admin session must not be able to send the stored key to a host of its choosing).
        if (!string.Equals(provider.BaseUrl, edit.BaseUrl.Trim(), StringComparison.Ordinal) && provider.ApiKey is not null && newKey is null)
            throw new ArgumentException("Changing the base URL needs the provider's API key entered again.", nameof(edit));
        provider.BaseUrl = edit.BaseUrl.Trim();
        if (newKey is not null)
            provider.ApiKey = keys.Protect(newKey);
        provider.TimeoutSeconds = edit.TimeoutSeconds;
        provider.UpstreamRpm = edit.UpstreamRpm;
        provider.Enabled = edit.Enabled;
        provider.EditedAt = clock.GetUtcNow();
        await ApplyAsync(db, actor, "provider.edit", provider.Name, string.Create(System.Globalization.CultureInfo.InvariantCulture,
            $"base URL {provider.BaseUrl}; {(newKey is null ? "keys kept" : $"keys replaced ({ProviderKeyProtector.SplitKeys(newKey).Count})")}; timeout {edit.TimeoutSeconds} s; upstream RPM {edit.UpstreamRpm?.ToString() ?? "none"}; {(edit.Enabled ? "enabled" : "disabled")}"), cancellationToken);
    }

    /// <summary>Saves an edit, reloads this server's catalog, tells the others, and audits who did it.</summary>
    private async Task ApplyAsync(TokenPortalDbContext db, string actor, string action, string target, string detail, CancellationToken cancellationToken)
    {
        await db.SaveChangesAsync(cancellationToken);
        await catalog.ReloadAsync(cancellationToken);
        changes.Publish();
        await audit.WriteAsync(actor, action, target, detail, cancellationToken);
    }
}
