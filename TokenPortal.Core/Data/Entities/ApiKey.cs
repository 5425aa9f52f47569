namespace TokenPortal.Core.Data.Entities;

/// <summary>An API key. Only its SHA-256 hash and display prefix are stored.</summary>
public sealed class ApiKey
{
    public long Id { get; set; }

    public required string UserId { get; set; }

    public required string Name { get; set; }

    /// <summary>The first 12 characters, e.g. <c>sk-tp-AbC123</c>: enough to recognise, useless to call with.</summary>
    public required string Prefix { get; set; }

    /// <summary>Lower-case hex SHA-256 of the whole key.</summary>
    public required string Hash { get; set; }

    public DateTimeOffset CreatedAt { get; set; }

    public DateTimeOffset? ExpiresAt { get; set; }

    public DateTimeOffset? RevokedAt { get; set; }

    /// <summary>Set while the owner has switched the key off; unlike a revocation it can be undone.</summary>
    public DateTimeOffset? DisabledAt { get; set; }

    public DateTimeOffset? LastUsedAt { get; set; }

    /// <summary>Comma-separated model ids the key may call; null allows every model.</summary>
    public string? AllowedModels { get; set; }

    public int? Rpm { get; set; }

    public int? Tpm { get; set; }

    public long? MaxMicrosPerRequest { get; set; }

    /// <summary>Most the key may ever spend, in micro-USD; null for no budget.</summary>
    public long? BudgetMicros { get; set; }

    /// <summary>Total micro-USD charged through this key, kept in the settlement transaction.</summary>
    public long SpentMicros { get; set; }

    /// <summary>Micro-USD reserved for the key's requests in flight: with <see cref="SpentMicros"/>, never above the budget.</summary>
    public long ReservedMicros { get; set; }

    /// <summary>The part of the budget leased to servers; spent, reserved and leased never exceed the budget.</summary>
    public long LeasedMicros { get; set; }
}
