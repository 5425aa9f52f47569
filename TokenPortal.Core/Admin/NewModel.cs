using TokenPortal.Core.Configuration;

namespace TokenPortal.Core.Admin;

/// <summary>A public model an admin adds in the portal: its channels (at least one) and list prices in USD per million tokens.</summary>
public sealed record NewModel(
    string PublicId,
    ModelKind Kind,
    IReadOnlyList<ChannelEdit> Channels,
    decimal InputPerMillionUsd,
    decimal CachedInputPerMillionUsd,
    decimal OutputPerMillionUsd,
    int MaxOutputTokens = 4096,
    IReadOnlyList<string>? Aliases = null,
    bool Reasoning = false,
    ModelDetails? Details = null);
