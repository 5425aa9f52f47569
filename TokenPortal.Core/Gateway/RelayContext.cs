using Microsoft.AspNetCore.Http;
using TokenPortal.Core.Gateway.Dialects;
using TokenPortal.Core.Providers;

namespace TokenPortal.Core.Gateway;

/// <summary>Everything a relay needs once the provider answered with success headers.</summary>
public sealed record RelayContext(
    HttpContext Http,
    string RequestId,
    UpstreamCall Upstream,
    IProviderAdapter Adapter,
    RequestReservation Reservation,
    HttpResponseMessage Response,
    ActivityTimeout Activity,
    IClientDialect Dialect)
{
    /// <summary>The client's error for a provider that went silent or cut off its reply.</summary>
    public UpstreamFailure ReadFailure(string what) => Activity.Expired
        ? UpstreamFailure.TimedOut($"The provider went silent for more than {Upstream.Provider.Timeout.TotalSeconds:0} seconds.")
        : UpstreamFailure.Broken($"The provider's {what} was cut off.");
}
