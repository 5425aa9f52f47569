using System.Security.Cryptography;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.Extensions.Logging;

namespace TokenPortal.Core.Catalog;

/// <summary>
/// Provider API keys at rest: encrypted with ASP.NET Data Protection, whose key ring lives in the same database, so a
/// copy of the database file alone (a backup, a stolen disk image) does not hand out the operator's upstream keys. Every
/// process on the database (server, admin CLI, other instances) shares the ring and can read what another wrote.
/// </summary>
public sealed partial class ProviderKeyProtector(IDataProtectionProvider protection, ILogger<ProviderKeyProtector> logger)
{
    /// <summary>Marks a stored value as protected; rows from before encryption are plain and get protected at the next start.</summary>
    private const string Prefix = "dp1:";

    private readonly IDataProtector _protector = protection.CreateProtector("TokenPortal.ProviderApiKey.v1");

    /// <summary>Several keys of one provider are stored as one protected value, a key per line.</summary>
    public static string? JoinKeys(IEnumerable<string> apiKeys) => string.Join('\n', apiKeys) is { Length: > 0 } joined ? joined : null;

    /// <summary>The keys of a value <see cref="Unprotect"/> returned.</summary>
    public static IReadOnlyList<string> SplitKeys(string? apiKeys) =>
        apiKeys?.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries) ?? [];

    /// <summary>Keys as an admin types them: several separated by spaces, commas or lines (no provider's keys contain those).</summary>
    public static IReadOnlyList<string> ParseTyped(string? typed) =>
        typed?.Split([' ', ',', '\n', '\r', '\t'], StringSplitOptions.RemoveEmptyEntries).Distinct(StringComparer.Ordinal).ToList() ?? [];

    public static bool IsProtected(string? stored) => stored?.StartsWith(Prefix, StringComparison.Ordinal) == true;

    public string? Protect(string? apiKey) => string.IsNullOrEmpty(apiKey) ? null : Prefix + _protector.Protect(apiKey);

    /// <summary>The key in clear; null (and an error in the log) when the key ring that encrypted it is gone.</summary>
    public string? Unprotect(string? stored)
    {
        if (!IsProtected(stored))
            return stored;
        try
        {
            return _protector.Unprotect(stored![Prefix.Length..]);
        }
        catch (CryptographicException ex)
        {
            // The server must still start: this provider answers 401 until an admin enters its key again.
            LogUnreadable(logger, ex);
            return null;
        }
    }

    [LoggerMessage(Level = LogLevel.Error, Message = "A provider API key could not be decrypted (was the DataProtectionKeys table emptied or another database's copied in?); enter the provider's key again in Admin > Providers & models.")]
    private static partial void LogUnreadable(ILogger logger, Exception exception);
}
