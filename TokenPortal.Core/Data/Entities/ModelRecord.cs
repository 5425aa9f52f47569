using TokenPortal.Core.Configuration;

namespace TokenPortal.Core.Data.Entities;

/// <summary>A public model as stored, with list prices in micro-USD per million tokens.</summary>
public sealed class ModelRecord
{
    /// <summary>The longest model id: the catalog's, and so the longest name a request may ask for (the log keeps it).</summary>
    public const int IdMaxLength = 200;

    public long Id { get; set; }

    public required string PublicId { get; set; }

    /// <summary>The upstreams that serve it; at least one.</summary>
    public List<ModelChannel> Channels { get; set; } = [];

    public ModelKind Kind { get; set; }

    public long InputMicrosPerMillion { get; set; }

    public long CachedInputMicrosPerMillion { get; set; }

    public long OutputMicrosPerMillion { get; set; }

    /// <summary>Price of prompt tokens written to the provider's cache (Anthropic's 5-minute cache); null for the default (see <see cref="Catalog.CacheWritePrices"/>).</summary>
    public long? CacheWriteMicrosPerMillion { get; set; }

    /// <summary>Price of prompt tokens written to Anthropic's 1-hour cache; null for the default.</summary>
    public long? CacheWrite1hMicrosPerMillion { get; set; }

    /// <summary>The most tokens (prompt and output together) the model takes; null when not known.</summary>
    public int? ContextLength { get; set; }

    /// <summary>Comma-separated kinds of input the model takes (text, image, audio, file, video); null for text alone.</summary>
    public string? InputModalities { get; set; }

    /// <summary>Comma-separated kinds of output; null for text (embeddings for an embeddings model).</summary>
    public string? OutputModalities { get; set; }

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
