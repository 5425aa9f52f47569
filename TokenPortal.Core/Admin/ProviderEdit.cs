namespace TokenPortal.Core.Admin;

/// <summary>An admin's change to a provider. A null <see cref="NewApiKey"/> keeps the stored key.</summary>
public sealed record ProviderEdit(long Id, string BaseUrl, string? NewApiKey, int TimeoutSeconds, int? UpstreamRpm, bool Enabled);
