namespace TokenPortal.Core.Catalog;

/// <summary>The enabled models, served from memory; reloaded when the database's catalog changes.</summary>
public interface IModelCatalog
{
    IReadOnlyList<CatalogModel> Models { get; }

    /// <summary>Finds a model by its id or any alias (case-insensitive).</summary>
    CatalogModel? Find(string idOrAlias);

    Task ReloadAsync(CancellationToken cancellationToken);
}
