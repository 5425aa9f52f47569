namespace TokenPortal.Core.Keys;

/// <summary>What a person asks for when minting a key, from the CLI or the portal.</summary>
public sealed record ApiKeySpec(
    string Name,
    IReadOnlyList<string>? AllowedModels = null,
    int? Rpm = null,
    int? Tpm = null,
    long? MaxMicrosPerRequest = null,
    DateTimeOffset? ExpiresAt = null,
    long? BudgetMicros = null);
