using TokenPortal.Core.Billing;
using TokenPortal.Core.Configuration;

namespace TokenPortal.Core.Catalog;

/// <summary>An enabled public model with its sell price (after the site multiplier) and its enabled channels, lowest priority first.</summary>
public sealed record CatalogModel(
    string Id,
    IReadOnlyList<CatalogChannel> Channels,
    ModelKind Kind,
    ModelPrice Price,
    int MaxOutputTokens,
    IReadOnlyList<string> Aliases)
{
    /// <summary>The provider named as the model's owner in listings: the one tried first.</summary>
    public string OwnedBy => Channels[0].Provider.Name;

    /// <summary>The most one image can cost in prompt tokens on this model, on whichever channel serves it: each image in a request is reserved at this.</summary>
    public int MaxImageTokens { get; init; } = Channels.Max(c => ImageTokenBounds.For(c.Provider.Kind));

    /// <summary>The model thinks before it answers (billed as output it may not show): an answer with no usage is billed its whole output bound.</summary>
    public bool Reasoning { get; init; }

    /// <summary>Parameters from <see cref="Gateway.PricedParameters"/> that this model takes (the operator priced them in).</summary>
    public IReadOnlySet<string> AllowedParameters { get; init; } = EmptySet;

    /// <summary>The most tokens (prompt and output together) the model takes; null when the operator did not say.</summary>
    public int? ContextLength { get; init; }

    /// <summary>Kinds of input it takes (text, image, audio, file, video).</summary>
    public IReadOnlyList<string> InputModalities { get; init; } = Modalities.DefaultInputs;

    /// <summary>Kinds of output it produces (text, image, audio, embeddings).</summary>
    public IReadOnlyList<string> OutputModalities { get; init; } = Modalities.DefaultOutputs(Kind);

    private static readonly IReadOnlySet<string> EmptySet = new HashSet<string>();

    /// <summary>The id as a JSON string literal, spliced into every response and chunk.</summary>
    internal byte[] IdJson { get; } = [(byte)'"', .. System.Text.Json.JsonEncodedText.Encode(Id).EncodedUtf8Bytes, (byte)'"'];
}
