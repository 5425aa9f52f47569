using System.Net;
using System.Text;

namespace TokenPortal.Tests.Gateway;

/// <summary>
/// A request body is read into a buffer sized by its declared length (or grown from 16 KB when it declares none): every
/// size reaches the provider whole, whether the client says how long it is or sends it in chunks.
/// </summary>
public sealed class RequestBodyReaderTests(GatewayFixture gateway) : IClassFixture<GatewayFixture>
{
    [Theory]
    [InlineData(0, false)]
    [InlineData(1, false)]
    [InlineData(1000, false)]
    [InlineData(16 * 1024, false)] // the first buffer's size without a declared length
    [InlineData(40_000, false)]
    [InlineData(0, true)]
    [InlineData(16 * 1024, true)]
    [InlineData(40_000, true)]
    [InlineData(65_000, true)] // just under the test host's limit (64 KiB)
    public async Task AnyBodyUnderTheLimit_ReachesTheProviderWhole(int padding, bool declaresItsLength)
    {
        var account = await gateway.CreateAccountAsync(usd: 1m);
        using var client = gateway.CreateClient(account.Key);
        var marker = $"body-{padding}-{declaresItsLength}";
        var content = new string('a', padding) + marker;
        var json = $$"""{"model":"gpt-test","user":"{{marker}}","messages":[{"role":"user","content":"{{content}}"}]}""";
        var bytes = Encoding.UTF8.GetBytes(json);
        var body = new StreamContent(new MemoryStream(bytes));
        body.Headers.ContentType = new("application/json");
        using var request = new HttpRequestMessage(HttpMethod.Post, "v1/chat/completions") { Content = body };
        if (declaresItsLength)
            body.Headers.ContentLength = bytes.Length;
        else
            request.Headers.TransferEncodingChunked = true;

        using var response = await client.SendAsync(request);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var sent = gateway.Upstream.Received.Single(r => r.Body["user"]?.GetValue<string>() == marker).Body;
        Assert.Equal(content, sent["messages"]![0]!["content"]!.GetValue<string>());
    }
}
