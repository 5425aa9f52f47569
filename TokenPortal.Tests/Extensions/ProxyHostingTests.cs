using System.Net;
using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.HttpOverrides;
using TokenPortal.Core.Configuration;
using TokenPortal.Web.Extensions;

namespace TokenPortal.Tests.Extensions;

/// <summary>The site as users see it, https behind a proxy, with GitHub sign-in configured.</summary>
public sealed class PublicSiteFixture : GatewayFixture
{
    public FakeOAuthServer OAuth { get; private set; } = null!;

    protected override async Task BeforeStartAsync() => OAuth = await FakeOAuthServer.StartAsync();

    protected override void Configure(Dictionary<string, string?> settings)
    {
        OAuth.AddSettings(settings);
        settings["TokenPortal:PublicBaseUrl"] = "https://portal.example.test";
    }

    public override async Task DisposeAsync()
    {
        await base.DisposeAsync();
        await OAuth.DisposeAsync();
    }
}

/// <summary>Behind a reverse proxy: HSTS, Secure cookies and OAuth callbacks follow the public https address.</summary>
public sealed partial class ProxyHostingTests(PublicSiteFixture site) : IClassFixture<PublicSiteFixture>
{
    [Fact]
    public async Task PagesSendHsts_AndEveryCookieIsSecure()
    {
        using var client = site.CreateClient();
        using var page = await client.GetAsync("Account/Login");

        Assert.Equal(HttpStatusCode.OK, page.StatusCode);
        Assert.StartsWith("max-age=31536000", page.Headers.GetValues("Strict-Transport-Security").Single());
        var cookies = page.Headers.GetValues("Set-Cookie").ToList();
        Assert.NotEmpty(cookies);
        Assert.All(cookies, cookie => Assert.Contains("secure", cookie, StringComparison.OrdinalIgnoreCase));
    }

    [Fact]
    public async Task TheGitHubCallback_IsBuiltFromThePublicBaseUrl()
    {
        // Cookies by hand: they are Secure, and this client talks plain http to the test server.
        using var client = new HttpClient(new HttpClientHandler { AllowAutoRedirect = false, UseCookies = false }) { BaseAddress = site.BaseAddress };
        using var login = await client.GetAsync("Account/Login");
        var html = await login.Content.ReadAsStringAsync();
        var form = ExternalLoginForm().Match(html).Value;
        var fields = PortalForms.HiddenFields(form);
        fields["provider"] = "GitHub";
        fields["ReturnUrl"] = "/";
        using var challenge = new HttpRequestMessage(HttpMethod.Post, "Account/PerformExternalLogin") { Content = new FormUrlEncodedContent(fields) };
        challenge.Headers.Add("Cookie", string.Join("; ", login.Headers.GetValues("Set-Cookie").Select(c => c.Split(';')[0])));

        using var redirect = await client.SendAsync(challenge);

        Assert.Equal(HttpStatusCode.Found, redirect.StatusCode);
        var query = System.Web.HttpUtility.ParseQueryString(redirect.Headers.Location!.Query);
        Assert.Equal("https://portal.example.test/signin-github", query["redirect_uri"]);
    }

    [Fact]
    public void ConfiguredProxies_AreTrustedBesideLoopback()
    {
        var options = new ForwardedHeadersOptions();
        ProxyHostingExtensions.Configure(options, new ForwardedHeadersSettings { KnownProxies = ["10.0.0.5"], KnownNetworks = ["192.168.0.0/16"] });

        Assert.Contains(IPAddress.Parse("10.0.0.5"), options.KnownProxies);
        Assert.Contains(IPAddress.IPv6Loopback, options.KnownProxies);
        Assert.Contains(options.KnownIPNetworks, n => n.Contains(IPAddress.Parse("192.168.3.4")));
        Assert.Equal(ForwardedHeaders.XForwardedFor | ForwardedHeaders.XForwardedProto, options.ForwardedHeaders);
    }

    [GeneratedRegex("""<form[^>]*PerformExternalLogin.*?</form>""", RegexOptions.Singleline)]
    private static partial Regex ExternalLoginForm();
}
