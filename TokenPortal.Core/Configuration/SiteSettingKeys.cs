namespace TokenPortal.Core.Configuration;

/// <summary>The configuration values an admin may override from the portal.</summary>
public static class SiteSettingKeys
{
    public const string PriceMultiplier = "PriceMultiplier";
    public const string SignupCreditUsd = "SignupCreditUsd";
    public const string UserMaxConcurrent = "Defaults:UserMaxConcurrent";
    public const string KeyRpm = "Defaults:KeyRpm";
    public const string KeyTpm = "Defaults:KeyTpm";
    public const string GlobalUpstreamRpm = "GlobalLimits:UpstreamRpm";

    public static readonly IReadOnlyList<string> All = [PriceMultiplier, SignupCreditUsd, UserMaxConcurrent, KeyRpm, KeyTpm, GlobalUpstreamRpm];
}
