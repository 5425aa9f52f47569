namespace TokenPortal.Core.Admin.Import;

/// <summary>Brings the catalog's prices, context lengths and modalities in line with a published price list: first the diff, then, if the admin agrees, the change.</summary>
public interface ICatalogImporter
{
    Task<CatalogImportPlan> PlanAsync(IReadOnlyList<PriceListEntry> entries, CancellationToken cancellationToken);

    /// <summary>Applies each change as an admin's edit (checked, audited, served from the next request).</summary>
    Task ApplyAsync(CatalogImportPlan plan, string actor, CancellationToken cancellationToken);
}
