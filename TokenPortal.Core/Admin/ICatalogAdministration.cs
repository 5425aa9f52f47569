using TokenPortal.Core.Data.Entities;

namespace TokenPortal.Core.Admin;

/// <summary>Providers and models as stored, and edits that reach the gateway at once (the catalog reloads).</summary>
public interface ICatalogAdministration
{
    Task<IReadOnlyList<ProviderRecord>> ProvidersAsync(CancellationToken cancellationToken);

    Task<IReadOnlyList<ModelRecord>> ModelsAsync(CancellationToken cancellationToken);

    Task SaveModelAsync(ModelEdit edit, string actor, CancellationToken cancellationToken);

    /// <summary>Replaces a model's channels with <paramref name="channels"/> (at least one, each provider and upstream model once).</summary>
    Task SaveChannelsAsync(long modelId, IReadOnlyList<ChannelEdit> channels, string actor, CancellationToken cancellationToken);

    Task SaveProviderAsync(ProviderEdit edit, string actor, CancellationToken cancellationToken);
}
