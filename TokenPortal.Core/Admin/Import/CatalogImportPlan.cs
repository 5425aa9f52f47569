namespace TokenPortal.Core.Admin.Import;

/// <summary>
/// An import worked out but not applied: the changes, the models the list does not name (left as they are), and
/// the models several entries matched with different prices (left alone, since which one is meant is a guess).
/// </summary>
public sealed record CatalogImportPlan(int EntriesRead, IReadOnlyList<ModelImportChange> Changes, IReadOnlyList<string> NotInList, IReadOnlyList<string> Ambiguous);
