namespace TokenPortal.Core.Admin;

/// <summary>An admin's change to a model's list prices (USD per million tokens, before the multiplier) and state.</summary>
public sealed record ModelEdit(long Id, decimal InputPerMillionUsd, decimal CachedInputPerMillionUsd, decimal OutputPerMillionUsd, int MaxOutputTokens, bool Enabled);
