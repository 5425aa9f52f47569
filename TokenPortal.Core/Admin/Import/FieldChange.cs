namespace TokenPortal.Core.Admin.Import;

/// <summary>One value an import changes, as the admin reads it ("input", "$3.00", "$3.30").</summary>
public sealed record FieldChange(string Field, string Before, string After);
