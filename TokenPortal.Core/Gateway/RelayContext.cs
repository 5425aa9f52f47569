using Microsoft.AspNetCore.Http;
using TokenPortal.Core.Billing;
using TokenPortal.Core.Gateway.Dialects;
using TokenPortal.Core.Providers;

namespace TokenPortal.Core.Gateway;

/// <summary>Everything a relay needs once the provider answered with success headers.</summary>
public sealed record RelayContext(
    HttpContext Http,
    GatewayCall Call,
    UpstreamCall Upstream,
    IProviderAdapter Adapter,
    Reservation Reservation,
    HttpResponseMessage Response,
    ActivityTimeout Activity,
    IClientDialect Dialect);
