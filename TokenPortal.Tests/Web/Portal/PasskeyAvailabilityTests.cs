using Microsoft.AspNetCore.Http;
using TokenPortal.Web.Portal;

namespace TokenPortal.Tests.Web.Portal;

public sealed class PasskeyAvailabilityTests
{
    [Theory]
    [InlineData("https", "portal.example.com", null)]
    [InlineData("http", "localhost", null)]
    [InlineData("http", "tokenportal.localhost", null)]
    [InlineData("http", "192.168.1.20", "IP address")]
    [InlineData("https", "10.0.0.5", "IP address")]
    [InlineData("http", "[::1]", "IP address")]
    [InlineData("http", "portal.example.com", "HTTPS")]
    public void SaysInWordsWhyABrowserCannotHoldAPasskeyHere(string scheme, string host, string? reason)
    {
        var request = new DefaultHttpContext().Request;
        request.Scheme = scheme;
        request.Host = new HostString(host, 8080);

        var why = PasskeyAvailability.WhyUnavailable(request);

        if (reason is null)
            Assert.Null(why);
        else
            Assert.Contains(reason, why);
    }
}
