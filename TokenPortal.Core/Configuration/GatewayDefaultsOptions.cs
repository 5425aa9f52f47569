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
}
