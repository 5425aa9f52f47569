namespace TokenPortal.Core.Keys;

/// <summary>What the gateway knows about a caller once its key checked out: the key's limits and its user's.</summary>
public sealed record AuthenticatedKey(
    long KeyId,
    string UserId,
    string Prefix,
    DateTimeOffset? ExpiresAt,
    IReadOnlySet<string>? AllowedModels,
    int? Rpm,
    int? Tpm,
    long? MaxMicrosPerRequest,
    long? BudgetMicros = null,
    int? UserMaxConcurrent = null,
    int? UserDefaultRpm = null);
