namespace TokenPortal.Core.Configuration;

/// <summary>A public model id mapped to a provider's model, with list prices in USD per million tokens.</summary>
public sealed class ModelOptions
{
    public string Id { get; set; } = "";

    /// <summary>The one provider serving the model, when it lists no <see cref="Channels"/>.</summary>
    public string Provider { get; set; } = "";

    /// <summary>The name the provider knows the model by; the public id when omitted.</summary>
    public string? UpstreamModel { get; set; }

    /// <summary>Several upstreams for the model; empty for the one given by <see cref="Provider"/> and <see cref="UpstreamModel"/>.</summary>
    public List<ChannelOptions> Channels { get; set; } = [];

    /// <summary>The channels configured, the one-provider shorthand included.</summary>
    public IReadOnlyList<ChannelOptions> EffectiveChannels => Channels.Count > 0
        ? Channels
        : [new ChannelOptions { Provider = Provider, UpstreamModel = UpstreamModel }];

    public decimal InputPerMillionUsd { get; set; }

    /// <summary>Price of prompt tokens served from the provider's cache; the input price when omitted.</summary>
    public decimal? CachedInputPerMillionUsd { get; set; }

    public decimal OutputPerMillionUsd { get; set; }

    /// <summary>Price of prompt tokens written to the provider's 5-minute cache; 1.25x input for Anthropic models, the input price otherwise.</summary>
    public decimal? CacheWritePerMillionUsd { get; set; }

    /// <summary>Price of prompt tokens written to Anthropic's 1-hour cache; 2x input for Anthropic models, the input price otherwise.</summary>
    public decimal? CacheWrite1hPerMillionUsd { get; set; }

    /// <summary>The most tokens (prompt and output together) the model takes, shown in listings; unknown when omitted.</summary>
    public int? ContextLength { get; set; }

    /// <summary>Kinds of input the model takes: text, image, audio, file, video. Text alone when empty.</summary>
    public List<string> InputModalities { get; set; } = [];

    /// <summary>Kinds of output: text, image, audio, embeddings. Text (embeddings for an embeddings model) when empty.</summary>
    public List<string> OutputModalities { get; set; } = [];

    public ModelKind Kind { get; set; } = ModelKind.Chat;

    /// <summary>The output bound reserved (and sent upstream) when a request names no max_tokens.</summary>
    public int MaxOutputTokens { get; set; } = 4096;

    public List<string> Aliases { get; set; } = [];

    /// <summary>The most one image can cost in prompt tokens; the provider's own maximum when omitted (see ImageTokenBounds).</summary>
    public int? MaxImageTokens { get; set; }

    /// <summary>A thinking model: an answer that reports no usage is billed its whole output bound, since its reasoning is not seen.</summary>
    public bool Reasoning { get; set; }

    /// <summary>Parameters that change the provider's price (service_tier, web_search_options, audio, modalities, prediction...) this model accepts.</summary>
    public List<string> AllowedParameters { get; set; } = [];
}
