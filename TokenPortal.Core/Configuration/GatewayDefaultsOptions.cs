namespace TokenPortal.Core.Configuration;

/// <summary>Limits that apply where a key or user sets none of its own.</summary>
public sealed class GatewayDefaultsOptions
{
    /// <summary>Requests a user may have in flight at once, over all their keys.</summary>
    public int UserMaxConcurrent { get; set; } = 10;

    /// <summary>Requests per minute of a key that sets none (and whose user sets no default).</summary>
    public int? KeyRpm { get; set; } = 60;

    /// <summary>Tokens per minute of a key that sets none; null for no limit.</summary>
    public int? KeyTpm { get; set; }

    /// <summary>The operator's cap on any key's requests per minute: a key (or its user's default) cannot ask for more.</summary>
    public int? MaxKeyRpm { get; set; } = 600;

    /// <summary>The operator's cap on any key's tokens per minute; null for none.</summary>
    public int? MaxKeyTpm { get; set; }

    /// <summary>Active (unrevoked) keys one user may have.</summary>
    public int MaxKeysPerUser { get; set; } = 50;
}
