using Radzen;

namespace TokenPortal.Web.Components.Layout;

/// <summary>
/// The portal's two Radzen themes and the cookie that remembers the choice. The theme link is rendered
/// statically from the cookie, so the first paint is already in the right theme and the link is never
/// re-created (and the page never shown unstyled) when the circuit starts.
/// </summary>
internal static class PortalTheme
{
    public const string Light = "material";
    public const string Dark = "material-dark";
    public const string CookieName = "TokenPortalTheme";

    /// <summary>The theme the visitor chose last; anything else in the cookie counts as no choice.</summary>
    public static string FromCookie(HttpContext context) =>
        context.Request.Cookies[CookieName] == Dark ? Dark : Light;

    /// <summary>Remembers the choice; the Radzen cookie service writes the cookie whenever the theme changes.</summary>
    public static void Configure(CookieThemeServiceOptions cookie)
    {
        cookie.Name = CookieName;
        cookie.Duration = TimeSpan.FromDays(365);
        cookie.SameSite = CookieSameSiteMode.Lax;
    }
}
