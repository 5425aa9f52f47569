using System.Net;

namespace TokenPortal.Web.Portal;

/// <summary>
/// Whether a browser can hold a passkey for the address the portal was opened at. WebAuthn binds a passkey to a
/// domain and needs a secure context, so an IP address, or plain HTTP anywhere but localhost, fails in the browser
/// with a bare "SecurityError"; the pages say why in words instead, and do not offer the button.
/// </summary>
internal static class PasskeyAvailability
{
    /// <summary>Null when passkeys can work here; otherwise a sentence for the person at the screen.</summary>
    public static string? WhyUnavailable(HttpRequest request)
    {
        var host = request.Host.Host;
        if (IPAddress.TryParse(host.Trim('[', ']'), out _))
            return $"Passkeys cannot be used at {host}: browsers tie each passkey to a domain name, and this page was opened by an IP address. Open the portal by its name (for example https://portal.example.com, or http://localhost on this machine) to add or use one.";
        var local = host.Equals("localhost", StringComparison.OrdinalIgnoreCase) || host.EndsWith(".localhost", StringComparison.OrdinalIgnoreCase);
        if (!request.IsHttps && !local)
            return "Passkeys need a secure connection: open the portal over HTTPS to add or use one.";
        return null;
    }
}
