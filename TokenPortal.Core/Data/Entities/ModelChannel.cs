namespace TokenPortal.Core.Data.Entities;

/// <summary>One upstream that serves a model: a provider, its name for the model, and how requests are shared out.</summary>
public sealed class ModelChannel
{
    public long Id { get; set; }

    public long ModelId { get; set; }

    public long ProviderId { get; set; }

    public ProviderRecord? Provider { get; set; }

    public required string UpstreamModel { get; set; }

    /// <summary>Its share of requests among the enabled channels of the same priority.</summary>
    public int Weight { get; set; } = 1;

    /// <summary>Lower is tried first.</summary>
    public int Priority { get; set; }

    public bool Enabled { get; set; } = true;
}
