namespace TokenPortal.Core.Configuration;

/// <summary>One upstream that can serve a model: a provider and the name it knows the model by.</summary>
public sealed class ChannelOptions
{
    public string Provider { get; set; } = "";

    /// <summary>The provider's name for the model; the model's public id when omitted.</summary>
    public string? UpstreamModel { get; set; }

    /// <summary>Its share of the requests among channels of the same priority.</summary>
    public int Weight { get; set; } = 1;

    /// <summary>Lower is tried first; a higher priority is used only when every channel before it failed or rests.</summary>
    public int Priority { get; set; }

    public bool Enabled { get; set; } = true;
}
