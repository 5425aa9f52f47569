namespace TokenPortal.Core.Configuration;

/// <summary>Limits that apply where a key or user sets none of its own.</summary>
public sealed class GatewayDefaultsOptions
{
    public int UserMaxConcurrent { get; set; } = 10;

    public int? KeyRpm { get; set; } = 60;

    public int? KeyTpm { get; set; }
}
