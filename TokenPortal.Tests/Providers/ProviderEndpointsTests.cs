using TokenPortal.Core.Providers;

namespace TokenPortal.Tests.Providers;

public sealed class ProviderEndpointsTests
{
    [Theory]
    [InlineData("http://127.0.0.1:8080/v1/", "chat/completions", "http://127.0.0.1:8080/v1/chat/completions")]
    [InlineData("https://api.anthropic.com/", "v1/messages", "https://api.anthropic.com/v1/messages")]
    [InlineData("https://example.test/gemini/", "v1beta/models/gemini-2.5-flash:streamGenerateContent?alt=sse",
        "https://example.test/gemini/v1beta/models/gemini-2.5-flash:streamGenerateContent?alt=sse")]
    public void AnEndpoint_IsItsPathUnderTheBaseUrl_AndResolvedOnce(string baseUrl, string path, string expected)
    {
        var first = ProviderEndpoints.Resolve(new Uri(baseUrl), path);
        var again = ProviderEndpoints.Resolve(new Uri(baseUrl), path);

        Assert.Equal(expected, first.AbsoluteUri);
        Assert.Same(first, again);
    }

    [Fact]
    public void BaseUrlsThatDifferOnlyInTheirCredentials_KeepTheirOwn()
    {
        // Uri's equality ignores user info: a cache keyed by it would send one provider's credentials to the other's calls.
        var alice = ProviderEndpoints.Resolve(new Uri("http://alice:one@proxy.test/v1/"), "chat/completions");
        var bob = ProviderEndpoints.Resolve(new Uri("http://bob:two@proxy.test/v1/"), "chat/completions");

        Assert.Equal("alice:one", alice.UserInfo);
        Assert.Equal("bob:two", bob.UserInfo);
    }
}
