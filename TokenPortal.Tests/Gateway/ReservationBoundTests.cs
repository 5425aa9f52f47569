using System.Net;
using System.Text;
using System.Text.Json.Nodes;
using TokenPortal.Core.Catalog;
using TokenPortal.Core.Data.Entities;

namespace TokenPortal.Tests.Gateway;

/// <summary>The reservation is an honest upper bound of what the upstream can bill, whatever the request looks like.</summary>
public sealed class ReservationBoundTests(GatewayFixture gateway) : IClassFixture<GatewayFixture>
{
    private static StringContent Json(string body) => new(body, Encoding.UTF8, "application/json");

    private async Task<long> ReservedAsync(TestAccount account) =>
        -(await gateway.LedgerEntriesAsync(account)).Single(e => e.Kind == LedgerEntryKind.Reserve).AmountMicros;

    [Theory]
    // Counted as one 1,500-token image before: about 3,000 micro-USD reserved for a prompt of 7,000 tokens.
    [InlineData("data: ")]
    // An image's data URL in a message's text is text to the provider, billed token by token; it was one image.
    [InlineData("data:image/png;base64, ")]
    public async Task TextThatStartsLikeADataUrl_IsReservedAtItsFullLength(string start)
    {
        var account = await gateway.CreateAccountAsync(usd: 1m);
        using var client = gateway.CreateClient(account.Key);
        var text = start + string.Join(' ', Enumerable.Repeat("payload", 7_000));

        using var response = await client.PostAsync("v1/chat/completions",
            Json($$"""{"model":"gpt-test","max_tokens":16,"messages":[{"role":"user","content":"{{text}}"}]}"""));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.True(await ReservedAsync(account) >= 7_000 * 2 + 16 * 8, $"reserved {await ReservedAsync(account)} micro-USD for 7,000 prompt tokens at $2/M");
    }

    [Theory]
    [InlineData("""{"url":"data:image/png;base64,iVBORw0KGgo="}""")]
    [InlineData("""{"url":"https://example.test/cat.png"}""")]
    // As PHP's json_encode writes it, and in the string form the converters also take.
    [InlineData("""{"url":"https:\/\/example.test\/cat.png"}""")]
    [InlineData("\"https://example.test/cat.png\"")]
    public async Task AnImage_IsReservedAtTheProvidersMostExpensiveImage(string imageUrl)
    {
        var account = await gateway.CreateAccountAsync(usd: 1m);
        using var client = gateway.CreateClient(account.Key);

        using var response = await client.PostAsync("v1/chat/completions",
            Json($$$"""{"model":"gpt-test","max_tokens":16,"messages":[{"role":"user","content":[{"type":"image_url","image_url":{{{imageUrl}}}}]}]}"""));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.True(await ReservedAsync(account) >= ImageTokenBounds.OpenAI * 2, $"reserved {await ReservedAsync(account)} micro-USD for one image");
    }

    [Theory]
    [InlineData("""{"type":"file","file":{"file_data":"data:application/pdf;base64,JVBERi0xLjQ=","filename":"a.pdf"}}""", "'file'")]
    [InlineData("""{"type":"input_audio","input_audio":{"data":"UklGRg==","format":"wav"}}""", "'input_audio'")]
    [InlineData("""{"type":"image_url","image_url":{"url":"data:application/pdf;base64,JVBERi0xLjQ="}}""", "'application/pdf'")]
    public async Task PartsWhoseCostCannotBeBounded_Are400NamingThePart_AndNeverForwarded(string part, string named)
    {
        var account = await gateway.CreateAccountAsync(usd: 1m);
        using var client = gateway.CreateClient(account.Key);
        var marker = Guid.NewGuid().ToString("N");

        using var response = await client.PostAsync("v1/chat/completions",
            Json($$"""{"model":"gpt-test","user":"{{marker}}","messages":[{"role":"user","content":[{{part}}]}]}"""));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var error = JsonNode.Parse(await response.Content.ReadAsStringAsync())!["error"]!;
        Assert.Contains(named, error["message"]!.GetValue<string>());
        Assert.Contains("messages[0]", error["message"]!.GetValue<string>());
        Assert.DoesNotContain(gateway.Upstream.Received, r => r.Body["user"]?.GetValue<string>() == marker);
        Assert.Equal(1_000_000, await gateway.BalanceAsync(account));
    }

    [Fact]
    public async Task APricedParameter_IsRefusedNamingIt_UnlessTheModelIsPricedForIt()
    {
        var account = await gateway.CreateAccountAsync(usd: 1m);
        using var client = gateway.CreateClient(account.Key);

        using var refused = await client.PostAsync("v1/chat/completions",
            Json("""{"model":"gpt-test","service_tier":"priority","messages":[{"role":"user","content":"hi"}]}"""));
        using var allowed = await client.PostAsync("v1/chat/completions",
            Json("""{"model":"gpt-priority","service_tier":"priority","user":"priced-tier","messages":[{"role":"user","content":"hi"}]}"""));
        using var defaultTier = await client.PostAsync("v1/chat/completions",
            Json("""{"model":"gpt-test","service_tier":"auto","messages":[{"role":"user","content":"hi"}]}"""));

        Assert.Equal(HttpStatusCode.BadRequest, refused.StatusCode);
        var error = JsonNode.Parse(await refused.Content.ReadAsStringAsync())!["error"]!;
        Assert.Equal("service_tier", error["param"]!.GetValue<string>());
        Assert.Contains("'service_tier'", error["message"]!.GetValue<string>());
        Assert.Equal(HttpStatusCode.OK, allowed.StatusCode);
        Assert.Equal("priority", gateway.Upstream.Received.Last(r => r.Body["user"]?.GetValue<string>() == "priced-tier").Body["service_tier"]!.GetValue<string>());
        Assert.Equal(HttpStatusCode.OK, defaultTier.StatusCode);
    }
}
