using Microsoft.AspNetCore.Components;
using Microsoft.Extensions.Options;
using TokenPortal.Core.Configuration;

namespace TokenPortal.Web.Portal;

/// <summary>
/// The portal's address as its users reach it: <c>TokenPortal:PublicBaseUrl</c> when the operator set one (behind a
/// proxy), else the address the page was loaded from. Stripe sends people back to it; the API address shown is under it.
/// </summary>
internal sealed class PublicAddress(IOptionsMonitor<TokenPortalOptions> options, NavigationManager navigation)
{
    /// <summary>Ends with a slash.</summary>
    public string BaseUri => options.CurrentValue.PublicBaseUrl is { } configured ? configured.TrimEnd('/') + "/" : navigation.BaseUri;

    public Uri Page(string relativePath) => new(BaseUri + relativePath);

    public string ApiBaseUrl => BaseUri + "v1";
}
