using QRCoder;

namespace TokenPortal.Web.Components.Account;

/// <summary>
/// The <c>otpauth://</c> address an authenticator app scans, as an inline SVG drawn on the server: no script, nothing
/// sent elsewhere. Dark modules on white in either theme, with the quiet zone scanners need.
/// </summary>
internal static class AuthenticatorQrCode
{
    public static string Svg(string otpauthUri)
    {
        using var data = QRCodeGenerator.GenerateQrCode(otpauthUri, QRCodeGenerator.ECCLevel.M);
        return new SvgQRCode(data).GetGraphic(new System.Drawing.Size(200, 200), "#000000", "#ffffff", drawQuietZones: true);
    }
}
