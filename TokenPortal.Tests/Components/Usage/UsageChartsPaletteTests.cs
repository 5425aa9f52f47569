using System.Globalization;
using TokenPortal.Web.Components.Layout;
using TokenPortal.Web.Components.Pages.Usage;

namespace TokenPortal.Tests.Components.Usage;

/// <summary>Every model's colour in the dashboard's charts stands out from the card it is drawn on, in the light and the dark theme.</summary>
public sealed class UsageChartsPaletteTests
{
    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void EveryModelsColour_HasGraphicsContrastOnTheCard(bool dark)
    {
        var card = (dark ? PortalTheme.Theme.PaletteDark.Surface : PortalTheme.Theme.PaletteLight.Surface).ToString(MudBlazor.Utilities.MudColorOutputFormats.Hex);

        var palette = UsageCharts.Palette(dark);

        Assert.Equal(6, palette.Length);
        Assert.Equal(palette.Length, palette.Distinct(StringComparer.OrdinalIgnoreCase).Count());
        // WCAG 2's 3:1 for the parts of a graphic a reader must tell apart.
        Assert.All(palette, colour => Assert.True(Contrast(colour, card) >= 3, $"{colour} on {card}: {Contrast(colour, card):0.00}:1"));
    }

    private static double Contrast(string a, string b)
    {
        var (x, y) = (Luminance(a), Luminance(b));
        return (Math.Max(x, y) + 0.05) / (Math.Min(x, y) + 0.05);
    }

    private static double Luminance(string hex)
    {
        double Channel(int offset)
        {
            var v = int.Parse(hex.AsSpan(1 + offset, 2), NumberStyles.HexNumber, CultureInfo.InvariantCulture) / 255.0;
            return v <= 0.03928 ? v / 12.92 : Math.Pow((v + 0.055) / 1.055, 2.4);
        }
        return 0.2126 * Channel(0) + 0.7152 * Channel(2) + 0.0722 * Channel(4);
    }
}
