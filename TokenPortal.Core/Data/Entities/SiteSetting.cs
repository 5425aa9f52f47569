namespace TokenPortal.Core.Data.Entities;

/// <summary>An admin's override of one configuration value, applied over appsettings without a restart.</summary>
public sealed class SiteSetting
{
    /// <summary>One of <see cref="Configuration.SiteSettingKeys"/>.</summary>
    public required string Key { get; set; }

    /// <summary>Invariant-culture text; empty for "none" (no limit).</summary>
    public required string Value { get; set; }
}
