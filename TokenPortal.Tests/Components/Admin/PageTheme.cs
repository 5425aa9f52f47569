using Microsoft.Playwright;

namespace TokenPortal.Tests.Components.Admin;

/// <summary>What a person sees of the theme: whether the page is painted dark, read from the body's computed background.</summary>
public static class PageTheme
{
    public static Task<bool> IsDarkAsync(IPage page) => page.EvaluateAsync<bool>("""
        () => {
            const [r, g, b, a] = getComputedStyle(document.body).backgroundColor.match(/[\d.]+/g).map(Number);
            return (a === undefined || a > 0.5) && 0.2126 * r + 0.7152 * g + 0.0722 * b < 80;
        }
        """);
}
