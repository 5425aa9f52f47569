using System.Net;
using System.Text.RegularExpressions;

namespace TokenPortal.Tests.Infrastructure;

/// <summary>The portal's server-rendered forms, driven over plain HTTP the way a browser (or a script) posts them.</summary>
public static partial class PortalForms
{
    /// <summary>A client that keeps cookies and shows redirects instead of following them.</summary>
    public static HttpClient NewBrowser(Uri baseAddress) =>
        new(new HttpClientHandler { AllowAutoRedirect = false, CookieContainer = new CookieContainer() }) { BaseAddress = baseAddress };

    /// <summary>
    /// Loads the page, then posts the hidden fields (antiforgery token, form handler) of the form that has the first of
    /// <paramref name="inputs"/>, with the inputs.
    /// </summary>
    public static async Task<HttpStatusCode> PostAsync(HttpClient browser, string path, Dictionary<string, string> inputs) =>
        (await SubmitAsync(browser, path, inputs)).Status;

    /// <summary><see cref="PostAsync"/>, with the page that came back.</summary>
    public static async Task<(HttpStatusCode Status, string Page)> SubmitAsync(HttpClient browser, string path, Dictionary<string, string> inputs)
    {
        var page = await browser.GetStringAsync(path);
        var form = Form().Matches(page).Select(m => m.Value).First(f => f.Contains($"name=\"{inputs.Keys.First()}\"", StringComparison.Ordinal));
        var fields = HiddenFields(form);
        foreach (var (name, value) in inputs)
            fields[name] = value;
        using var response = await browser.PostAsync(path, new FormUrlEncodedContent(fields));
        return (response.StatusCode, await response.Content.ReadAsStringAsync());
    }

    /// <summary>The hidden inputs (with a value) of a piece of HTML, by name.</summary>
    public static Dictionary<string, string> HiddenFields(string html) =>
        HiddenInput().Matches(html).ToDictionary(m => WebUtility.HtmlDecode(m.Groups["name"].Value), m => WebUtility.HtmlDecode(m.Groups["value"].Value));

    [GeneratedRegex("<form.*?</form>", RegexOptions.Singleline)]
    private static partial Regex Form();

    [GeneratedRegex("""<input type="hidden" name="(?<name>[^"]+)" value="(?<value>[^"]*)"[^>]*>""")]
    private static partial Regex HiddenInput();
}
