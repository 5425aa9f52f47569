using Microsoft.Extensions.Options;
using TokenPortal.Core.Catalog;
using TokenPortal.Core.Configuration;

namespace TokenPortal.Core.Keys;

/// <summary>What a key's name and limits must be, whether it is being minted or changed.</summary>
internal sealed class ApiKeySpecRules(IModelCatalog catalog, IOptionsMonitor<TokenPortalOptions> options, TimeProvider clock)
{
    /// <summary>Throws <see cref="ApiKeySpecException"/> for a spec the site cannot honour.</summary>
    /// <param name="keptExpiry">The key's current expiry: keeping it is allowed even once it has passed (renaming an expired key).</param>
    public void Check(ApiKeySpec spec, DateTimeOffset? keptExpiry = null)
    {
        if (string.IsNullOrWhiteSpace(spec.Name) || spec.Name.Trim().Length > 100)
            throw new ApiKeySpecException("A key needs a name of 1 to 100 characters.");
        if (spec.Rpm is <= 0)
            throw new ApiKeySpecException("Requests per minute must be a positive number.");
        if (spec.Tpm is <= 0)
            throw new ApiKeySpecException("Tokens per minute must be a positive number.");
        var defaults = options.CurrentValue.Defaults;
        if (spec.Rpm > defaults.MaxKeyRpm)
            throw new ApiKeySpecException($"A key may have at most {defaults.MaxKeyRpm} requests per minute on this site.");
        if (spec.Tpm > defaults.MaxKeyTpm)
            throw new ApiKeySpecException($"A key may have at most {defaults.MaxKeyTpm} tokens per minute on this site.");
        if (spec.MaxMicrosPerRequest is <= 0)
            throw new ApiKeySpecException("The maximum USD per request must be positive.");
        if (spec.BudgetMicros is <= 0)
            throw new ApiKeySpecException("The key's budget must be positive.");
        if (spec.ExpiresAt is { } expires && expires != keptExpiry && expires <= clock.GetUtcNow())
            throw new ApiKeySpecException("The expiry date must be in the future.");
        var unknown = spec.AllowedModels?.Where(m => catalog.Find(m) is null).ToList();
        if (unknown is { Count: > 0 })
            throw new ApiKeySpecException($"Unknown model(s): {string.Join(", ", unknown)}.");
    }

    /// <summary>The allowlist as stored: the models' ids (an alias names its model), comma-separated; null for every model.</summary>
    public string? StoredModels(ApiKeySpec spec) => spec.AllowedModels is { Count: > 0 } models
        ? string.Join(',', models.Select(m => catalog.Find(m)!.Id).Distinct())
        : null;
}
