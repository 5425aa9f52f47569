using TokenPortal.Core.Data.Entities;

namespace TokenPortal.Core.Admin;

/// <summary>Providers and models as stored, and edits that reach the gateway at once (the catalog reloads).</summary>
public interface ICatalogAdministration
{
    Task<IReadOnlyList<ProviderRecord>> ProvidersAsync(CancellationToken cancellationToken);

    Task<IReadOnlyList<ModelRecord>> ModelsAsync(CancellationToken cancellationToken);

    Task SaveModelAsync(ModelEdit edit, string actor, CancellationToken cancellationToken);

    Task SaveProviderAsync(ProviderEdit edit, string actor, CancellationToken cancellationToken);
}
