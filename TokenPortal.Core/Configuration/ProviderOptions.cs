namespace TokenPortal.Core.Configuration;

/// <summary>An upstream account, seeded into the database at start.</summary>
public sealed class ProviderOptions
{
    public string Name { get; set; } = "";

    public ProviderKind Kind { get; set; } = ProviderKind.OpenAICompatible;

    public string BaseUrl { get; set; } = "";

    public string? ApiKey { get; set; }

    /// <summary>Several keys of the same account or of several accounts, used in turn (with <see cref="ApiKey"/>, if set).</summary>
    public List<string> ApiKeys { get; set; } = [];

    /// <summary>Every key configured, <see cref="ApiKey"/> first, without blanks or repeats.</summary>
    public IReadOnlyList<string> EffectiveApiKeys =>
        [.. ApiKeys.Prepend(ApiKey ?? "").Select(k => k.Trim()).Where(k => k.Length > 0).Distinct(StringComparer.Ordinal)];

    /// <summary>Idle timeout: the longest wait for the first byte or between two later reads.</summary>
    public int TimeoutSeconds { get; set; } = 300;

    public int? UpstreamRpm { get; set; }
}
