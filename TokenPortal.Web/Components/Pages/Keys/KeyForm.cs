using TokenPortal.Core.Billing;
using TokenPortal.Core.Data.Entities;
using TokenPortal.Core.Keys;

namespace TokenPortal.Web.Components.Pages.Keys;

/// <summary>A key's name and limits as a person types them, for a new key or an existing one; <see cref="ToSpec"/> applies the CLI's rules.</summary>
public sealed class KeyForm
{
    // The expiry the key had, to the instant: a date left as it was keeps it (a key minted by the CLI may expire mid-day).
    private DateTimeOffset? _keptExpiry;

    public string Name { get; set; } = "";

    public IReadOnlyCollection<string> Models { get; set; } = [];

    public int? Rpm { get; set; }

    public int? Tpm { get; set; }

    public decimal? MaxUsdPerRequest { get; set; }

    public decimal? BudgetUsd { get; set; }

    /// <summary>The day (UTC) the key stops working, at 00:00 UTC.</summary>
    public DateTime? ExpiresOn { get; set; }

    /// <summary>The form filled with a key's current name and limits, for editing.</summary>
    public static KeyForm From(ApiKey key) => new()
    {
        Name = key.Name,
        Models = key.AllowedModels?.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries) ?? [],
        Rpm = key.Rpm,
        Tpm = key.Tpm,
        MaxUsdPerRequest = key.MaxMicrosPerRequest is { } cap ? MicroUsd.ToUsd(cap) : null,
        BudgetUsd = key.BudgetMicros is { } budget ? MicroUsd.ToUsd(budget) : null,
        ExpiresOn = key.ExpiresAt?.UtcDateTime.Date,
        _keptExpiry = key.ExpiresAt,
    };

    /// <summary>The spec for <see cref="IApiKeyService"/>; throws <see cref="ApiKeySpecException"/> for amounts it cannot represent.</summary>
    public ApiKeySpec ToSpec() => new(
        Name,
        Models.Count > 0 ? Models.ToList() : null,
        Rpm,
        Tpm,
        Micros(MaxUsdPerRequest, "maximum per request"),
        Expiry(),
        Micros(BudgetUsd, "budget"));

    private DateTimeOffset? Expiry() => ExpiresOn switch
    {
        null => null,
        { } date when _keptExpiry is { } kept && kept.UtcDateTime.Date == date.Date => kept,
        { } date => new DateTimeOffset(DateTime.SpecifyKind(date.Date, DateTimeKind.Utc)),
    };

    private static long? Micros(decimal? usd, string what) => usd switch
    {
        null => null,
        { } value when MicroUsd.TryFromUsd(value, out var micros) => micros,
        _ => throw new ApiKeySpecException($"The {what} must be a USD amount with at most six decimals."),
    };
}
