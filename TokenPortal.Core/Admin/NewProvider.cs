using TokenPortal.Core.Configuration;

namespace TokenPortal.Core.Admin;

/// <summary>An upstream account an admin adds in the portal. <see cref="ApiKeys"/> as typed: several separated by spaces, used in turn.</summary>
public sealed record NewProvider(string Name, ProviderKind Kind, string BaseUrl, string? ApiKeys, int TimeoutSeconds = 300, int? UpstreamRpm = null);
