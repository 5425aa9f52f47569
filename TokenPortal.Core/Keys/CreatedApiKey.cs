using TokenPortal.Core.Data.Entities;

namespace TokenPortal.Core.Keys;

/// <summary>A new key: <see cref="PlainKey"/> exists only here, to be shown once.</summary>
public sealed record CreatedApiKey(string PlainKey, ApiKey Record);
