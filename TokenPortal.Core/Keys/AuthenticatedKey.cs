namespace TokenPortal.Core.Keys;

/// <summary>What the gateway knows about a caller once its key checked out.</summary>
public sealed record AuthenticatedKey(
    long KeyId,
    string UserId,
    string Prefix,
    DateTimeOffset? ExpiresAt,
    IReadOnlySet<string>? AllowedModels,
    int? Rpm,
    int? Tpm,
    long? MaxMicrosPerRequest);
