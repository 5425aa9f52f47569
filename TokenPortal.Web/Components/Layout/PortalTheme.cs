using MudBlazor;

namespace TokenPortal.Web.Components.Layout;

/// <summary>
/// The portal's MudBlazor theme and the cookie that remembers light or dark. The server reads the cookie when it
/// renders the page, so the first paint is already in the chosen palette; the toggle rewrites it from the browser.
/// </summary>
internal static class PortalTheme
{
    public const string CookieName = "TokenPortalTheme";
    public const string DarkValue = "dark";

    /// <summary>The name under which the layout cascades whether the page is dark now.</summary>
    public const string DarkModeCascade = "PortalDarkMode";

    private static readonly string[] FontFamily =
        ["Inter", "system-ui", "-apple-system", "Segoe UI", "Roboto", "Helvetica Neue", "Arial", "sans-serif"];

    /// <summary>Whether the visitor chose dark last ("material-dark" is what the portal wrote before MudBlazor; it still counts).</summary>
    public static bool IsDark(HttpContext context) =>
        context.Request.Cookies[CookieName] is DarkValue or "material-dark";

    public static MudTheme Theme { get; } = new()
    {
        PaletteLight = new PaletteLight
        {
            Primary = "#4f46e5",
            Secondary = "#0d9488",
            AppbarBackground = "#ffffff",
            AppbarText = "#1f2937",
            Background = "#f6f7fb",
            DrawerBackground = "#ffffff",
            TextPrimary = "#1f2937",
            TextSecondary = "#4b5563",
        },
        PaletteDark = new PaletteDark
        {
            Primary = "#8b93ff",
            PrimaryContrastText = "#11131a",
            Secondary = "#2dd4bf",
            AppbarBackground = "#181b25",
            Background = "#11131a",
            Surface = "#1b1e29",
            DrawerBackground = "#181b25",
            TextPrimary = "#e5e7eb",
            TextSecondary = "#a1a7b3",
            LinesDefault = "#2e3342",
            TableLines = "#2e3342",
            Divider = "#2e3342",
        },
        Typography = new Typography
        {
            Default = new DefaultTypography { FontFamily = FontFamily },
            H1 = new H1Typography { FontFamily = FontFamily, FontSize = "1.75rem", FontWeight = "600", LineHeight = "1.3" },
            H2 = new H2Typography { FontFamily = FontFamily, FontSize = "1.25rem", FontWeight = "600", LineHeight = "1.4" },
            H3 = new H3Typography { FontFamily = FontFamily, FontSize = "1.1rem", FontWeight = "600", LineHeight = "1.4" },
            H4 = new H4Typography { FontFamily = FontFamily, FontSize = "1.75rem", FontWeight = "600", LineHeight = "1.3" },
            H5 = new H5Typography { FontFamily = FontFamily, FontSize = "1.5rem", FontWeight = "600", LineHeight = "1.3" },
            H6 = new H6Typography { FontFamily = FontFamily, FontSize = "1.1rem", FontWeight = "600", LineHeight = "1.4" },
            Button = new ButtonTypography { FontFamily = FontFamily, TextTransform = "none", FontWeight = "500" },
        },
        LayoutProperties = new LayoutProperties { DefaultBorderRadius = "8px", DrawerWidthLeft = "232px" },
    };
}
