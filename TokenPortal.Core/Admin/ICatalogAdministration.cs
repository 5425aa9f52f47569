using TokenPortal.Core.Data.Entities;

namespace TokenPortal.Core.Admin;

/// <summary>
/// Providers and models as stored, and edits that reach the gateway at once (the catalog reloads). Refusals are
/// <see cref="ArgumentException"/>s worded for the admin.
/// </summary>
public interface ICatalogAdministration
{
    Task<IReadOnlyList<ProviderRecord>> ProvidersAsync(CancellationToken cancellationToken);

    Task<IReadOnlyList<ModelRecord>> ModelsAsync(CancellationToken cancellationToken);

    /// <summary>Adds a provider (a unique name, without case) and returns its id; it serves once a model has a channel on it.</summary>
    Task<long> AddProviderAsync(NewProvider provider, string actor, CancellationToken cancellationToken);

    /// <summary>Adds a model (its id and aliases claimed by no other model) and returns its id; the gateway serves it from the next request.</summary>
    Task<long> AddModelAsync(NewModel model, string actor, CancellationToken cancellationToken);

    Task SaveModelAsync(ModelEdit edit, string actor, CancellationToken cancellationToken);

    /// <summary>Replaces a model's channels with <paramref name="channels"/> (at least one, each provider and upstream model once).</summary>
    Task SaveChannelsAsync(long modelId, IReadOnlyList<ChannelEdit> channels, string actor, CancellationToken cancellationToken);

    Task SaveProviderAsync(ProviderEdit edit, string actor, CancellationToken cancellationToken);
}
