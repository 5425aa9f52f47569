using TokenPortal.Core.Billing;
using TokenPortal.Core.Keys;

namespace TokenPortal.Web.Components.Pages.Keys;

/// <summary>The create-key form's fields, as a person types them; <see cref="ToSpec"/> applies the CLI's rules.</summary>
public sealed class KeyForm
{
    public string Name { get; set; } = "";

    public IEnumerable<string> Models { get; set; } = [];

    public int? Rpm { get; set; }

    public int? Tpm { get; set; }

    public decimal? MaxUsdPerRequest { get; set; }

    public decimal? BudgetUsd { get; set; }

    public DateTime? ExpiresOn { get; set; }

    /// <summary>The spec for <see cref="IApiKeyService"/>; throws <see cref="ApiKeySpecException"/> for amounts it cannot represent.</summary>
    public ApiKeySpec ToSpec() => new(
        Name,
        Models.ToList() is { Count: > 0 } models ? models : null,
        Rpm,
        Tpm,
        Micros(MaxUsdPerRequest, "maximum per request"),
        ExpiresOn is { } date ? new DateTimeOffset(DateTime.SpecifyKind(date.Date, DateTimeKind.Utc)) : null,
        Micros(BudgetUsd, "budget"));

    private static long? Micros(decimal? usd, string what) => usd switch
    {
        null => null,
        { } value when MicroUsd.TryFromUsd(value, out var micros) => micros,
        _ => throw new ApiKeySpecException($"The {what} must be a USD amount with at most six decimals."),
    };
}
