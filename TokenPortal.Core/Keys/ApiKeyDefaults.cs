namespace TokenPortal.Core.Keys;

/// <summary>What a key's empty limits mean for one user, and the most a key may ask for on this site; null for no limit.</summary>
public sealed record ApiKeyDefaults(int? Rpm, int? Tpm, int? MaxRpm, int? MaxTpm);
