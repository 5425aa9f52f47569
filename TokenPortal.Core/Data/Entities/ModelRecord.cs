using TokenPortal.Core.Configuration;

namespace TokenPortal.Core.Data.Entities;

/// <summary>A public model as stored, with list prices in micro-USD per million tokens.</summary>
public sealed class ModelRecord
{
    public long Id { get; set; }

    public required string PublicId { get; set; }

    /// <summary>The upstreams that serve it; at least one.</summary>
    public List<ModelChannel> Channels { get; set; } = [];

    public ModelKind Kind { get; set; }

    public long InputMicrosPerMillion { get; set; }

    public long CachedInputMicrosPerMillion { get; set; }

    public long OutputMicrosPerMillion { get; set; }

    public int MaxOutputTokens { get; set; }

    /// <summary>Comma-separated other names the model answers to.</summary>
    public string? Aliases { get; set; }

    public bool Enabled { get; set; } = true;

    /// <summary>The most one image can cost in prompt tokens; null for the provider's own maximum.</summary>
    public int? MaxImageTokens { get; set; }

    /// <summary>A thinking model (see <see cref="Configuration.ModelOptions.Reasoning"/>).</summary>
    public bool Reasoning { get; set; }

    /// <summary>Comma-separated priced parameters the model accepts.</summary>
    public string? AllowedParameters { get; set; }

    /// <summary>Set when an admin changed it in the portal: configuration no longer overwrites it at start.</summary>
    public DateTimeOffset? EditedAt { get; set; }
}
