namespace TokenPortal.Core.Admin;

/// <summary>
/// An admin's change to a model's list prices (USD per million tokens, before the multiplier) and state.
/// <see cref="Aliases"/>: the other names it answers to; null keeps the current ones. <see cref="Details"/>: null keeps them too.
/// </summary>
public sealed record ModelEdit(long Id, decimal InputPerMillionUsd, decimal CachedInputPerMillionUsd, decimal OutputPerMillionUsd, int MaxOutputTokens, bool Enabled,
    IReadOnlyList<string>? Aliases = null, ModelDetails? Details = null);
