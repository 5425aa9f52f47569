using System.Net;
using System.Text.Json.Nodes;

namespace TokenPortal.Tests.Web;

/// <summary>An unknown address: the portal's own not-found page for people, the OpenAI error shape under /v1.</summary>
public sealed class NotFoundPageTests(GatewayFixture gateway) : IClassFixture<GatewayFixture>
{
    [Theory]
    [InlineData("/does-not-exist")]
    [InlineData("/keys/nope/deeper")]
    public async Task AnUnknownPortalAddress_RendersThePortalsNotFoundPage_As404(string path)
    {
        using var client = gateway.CreateClient();

        using var response = await client.GetAsync(path);
        var html = await response.Content.ReadAsStringAsync();

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        Assert.StartsWith("text/html", response.Content.Headers.ContentType!.ToString());
        Assert.Contains("This page does not exist", html);
        Assert.Contains("<title>Page not found · TokenPortal</title>", html);
    }

    [Fact]
    public async Task AnUnknownApiAddress_StaysAnApiError()
    {
        using var client = gateway.CreateClient();

        using var response = await client.GetAsync("/v1/nope");

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        Assert.DoesNotContain("This page does not exist", await response.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task ThePortalsPagesStillNeedASignIn()
    {
        using var client = new HttpClient(new HttpClientHandler { AllowAutoRedirect = false }) { BaseAddress = gateway.BaseAddress };

        using var response = await client.GetAsync("/keys");

        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        Assert.Contains("/Account/Login", response.Headers.Location!.ToString());
    }
}
