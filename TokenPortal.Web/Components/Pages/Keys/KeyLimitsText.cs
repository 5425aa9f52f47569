using TokenPortal.Core.Data.Entities;
using TokenPortal.Core.Keys;
using TokenPortal.Web.Portal;

namespace TokenPortal.Web.Components.Pages.Keys;

/// <summary>A key's limits in words, as the list and the form show them: what applies, and where it comes from.</summary>
internal static class KeyLimitsText
{
    /// <summary>What an empty per-minute field means: the account's default, or no limit at all.</summary>
    public static string EmptyMeans(int? defaultLimit, string unit) => defaultLimit is { } limit
        ? $"Empty: your account's default, {Money.Count(limit)} {unit} a minute."
        : $"Empty: no limit on {unit} a minute.";

    public static string AtMost(int? max) => max is { } most ? $" At most {Money.Count(most)}." : "";

    /// <summary>One short line per limit that applies to the key: its own, or the default it falls back to (said so).</summary>
    public static IReadOnlyList<string> Lines(ApiKey key, ApiKeyDefaults? defaults)
    {
        var lines = new List<string>
        {
            key.AllowedModels is { Length: > 0 } models ? models.Replace(",", ", ") : "All models",
            PerMinute(key.Rpm, defaults?.Rpm, "requests"),
        };
        if (key.Tpm is not null || defaults?.Tpm is not null)
            lines.Add(PerMinute(key.Tpm, defaults?.Tpm, "tokens"));
        if (key.MaxMicrosPerRequest is { } cap)
            lines.Add($"At most {Money.Precise(cap)} a request");
        if (key.ExpiresAt is { } expires)
            lines.Add($"Expires {expires.UtcDateTime:yyyy-MM-dd}");
        return lines;
    }

    private static string PerMinute(int? own, int? fallback, string unit) => (own, fallback) switch
    {
        ({ } limit, _) => $"{Money.Count(limit)} {unit}/min",
        (null, { } limit) => $"{Money.Count(limit)} {unit}/min (default)",
        _ => $"No {unit}/min limit",
    };
}
