using Microsoft.AspNetCore.DataProtection;

namespace TokenPortal.Core.Catalog;

/// <summary>
/// Provider API keys at rest: encrypted with ASP.NET Data Protection, whose key ring lives in the same database, so a
/// copy of the database file alone (a backup, a stolen disk image) does not hand out the operator's upstream keys. Every
/// process on the database (server, admin CLI, other instances) shares the ring and can read what another wrote.
/// </summary>
public sealed class ProviderKeyProtector(IDataProtectionProvider protection)
{
    /// <summary>Marks a stored value as protected; rows from before encryption are plain and get protected at the next start.</summary>
    private const string Prefix = "dp1:";

    private readonly IDataProtector _protector = protection.CreateProtector("TokenPortal.ProviderApiKey.v1");

    public static bool IsProtected(string? stored) => stored?.StartsWith(Prefix, StringComparison.Ordinal) == true;

    public string? Protect(string? apiKey) => string.IsNullOrEmpty(apiKey) ? null : Prefix + _protector.Protect(apiKey);

    public string? Unprotect(string? stored) => IsProtected(stored) ? _protector.Unprotect(stored![Prefix.Length..]) : stored;
}
