namespace TokenPortal.Core.Admin.Import;

/// <summary>What an import changes on one model: the entry it matched, the values before and after, and the edit that applies them.</summary>
public sealed record ModelImportChange(string PublicId, string EntryId, IReadOnlyList<FieldChange> Fields, ModelEdit Edit);
