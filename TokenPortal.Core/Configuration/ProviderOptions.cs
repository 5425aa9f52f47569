namespace TokenPortal.Core.Configuration;

/// <summary>An upstream account, seeded into the database at start.</summary>
public sealed class ProviderOptions
{
    public string Name { get; set; } = "";

    public ProviderKind Kind { get; set; } = ProviderKind.OpenAICompatible;

    public string BaseUrl { get; set; } = "";

    public string? ApiKey { get; set; }

    /// <summary>Idle timeout: the longest wait for the first byte or between two later reads.</summary>
    public int TimeoutSeconds { get; set; } = 300;

    public int? UpstreamRpm { get; set; }
}
