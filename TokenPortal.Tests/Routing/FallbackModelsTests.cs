using System.Net;
using System.Text;
using System.Text.Json.Nodes;
using TokenPortal.Core.Data.Entities;
using TokenPortal.Core.Keys;

namespace TokenPortal.Tests.Routing;

/// <summary>
/// The <c>models</c> fallback array (OpenRouter's convention): models tried in order when the one before fails before
/// its first byte; each allowed for the key; reserved for the dearest, billed at the price of the one that served.
/// </summary>
public sealed class FallbackModelsTests(RoutingFixture gateway) : IClassFixture<RoutingFixture>
{
    private static StringContent Chat(string body) => new(body, Encoding.UTF8, "application/json");

    private const string Messages = "\"messages\":[{\"role\":\"user\",\"content\":\"Tell me something.\"}]";

    [Fact]
    public async Task AFailedModel_FallsBackToTheNext_WhichNamesTheAnswerAndSetsThePrice()
    {
        var account = await gateway.CreateAccountAsync();
        using var client = gateway.CreateClient(account.Key);

        using var response = await client.PostAsync("v1/chat/completions", Chat($$"""{"model":"fallback-broken","models":["fallback-cheap"],{{Messages}}}"""));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var json = JsonNode.Parse(await response.Content.ReadAsStringAsync())!;
        Assert.Equal("fallback-cheap", json["model"]!.GetValue<string>());
        Assert.Equal(10_000_000 - GatewaySettings.EchoCostMicros(), await gateway.BalanceAsync(account));
        var row = Assert.Single(await gateway.LogRowsAsync(account));
        Assert.Equal(("fallback-cheap", 2, 200), (row.Model, row.Attempts, row.Status));
        // The fallback list is ours: the upstream never sees it.
        Assert.All(gateway.Upstream.Received.Where(r => r.Model.StartsWith("fallback-", StringComparison.Ordinal)), r => Assert.Null(r.Body["models"]));
    }

    [Fact]
    public async Task TheReservationCoversTheDearestCandidate_TheChargeIsTheServingModelsPrice()
    {
        var account = await gateway.CreateAccountAsync();
        using var client = gateway.CreateClient(account.Key);

        using var response = await client.PostAsync("v1/chat/completions", Chat($$"""{"model":"fallback-broken","models":["fallback-dear"],"stream":true,{{Messages}}}"""));
        var text = await response.Content.ReadAsStringAsync();

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Contains("\"model\":\"fallback-dear\"", text);
        var reserve = Assert.Single(await gateway.LedgerEntriesAsync(account), e => e.Kind == LedgerEntryKind.Reserve);
        // 1,000 output tokens at $80 per million: the dear model's worst case, ten times the broken one's.
        Assert.True(-reserve.AmountMicros > 80_000, $"reserved {-reserve.AmountMicros}");
        var row = Assert.Single(await gateway.LogRowsAsync(account));
        Assert.Equal(32 * 2 + 10 / 2 + 7 * 80, row.CostMicros);
        Assert.Equal(10_000_000 - row.CostMicros, await gateway.BalanceAsync(account));
        await gateway.AssertBooksBalanceAsync(account);
    }

    [Fact]
    public async Task OnMessages_ModelsFallBackToo()
    {
        var account = await gateway.CreateAccountAsync();
        using var client = gateway.CreateClient(account.Key);

        using var response = await client.PostAsync("v1/messages", Chat($$"""{"model":"fallback-broken","models":["fallback-cheap"],"max_tokens":100,{{Messages}}}"""));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var json = JsonNode.Parse(await response.Content.ReadAsStringAsync())!;
        Assert.Equal("fallback-cheap", json["model"]!.GetValue<string>());
        Assert.Equal("message", json["type"]!.GetValue<string>());
    }

    [Fact]
    public async Task EveryModel_MustBeAllowedForTheKey_ElseNothingIsSentOrCharged()
    {
        var account = await gateway.CreateAccountAsync(spec: new ApiKeySpec("narrow", AllowedModels: ["fallback-broken"]));
        using var client = gateway.CreateClient(account.Key);
        var before = gateway.Upstream.Received.Count;

        using var response = await client.PostAsync("v1/chat/completions", Chat($$"""{"model":"fallback-broken","models":["fallback-cheap"],{{Messages}}}"""));

        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
        var error = JsonNode.Parse(await response.Content.ReadAsStringAsync())!["error"]!;
        Assert.Equal(("model_not_allowed", "models"), (error["code"]!.GetValue<string>(), error["param"]!.GetValue<string>()));
        Assert.Equal(before, gateway.Upstream.Received.Count);
        Assert.Equal(10_000_000, await gateway.BalanceAsync(account));
    }

    [Theory]
    [InlineData("\"models\":[\"no-such-model\"],", HttpStatusCode.NotFound, "model_not_found")]
    [InlineData("\"models\":\"fallback-cheap\",", HttpStatusCode.BadRequest, "invalid_request")]
    [InlineData("\"models\":[],", HttpStatusCode.BadRequest, "invalid_request")]
    [InlineData("\"models\":[\"a\",\"b\",\"c\",\"d\",\"e\",\"f\",\"g\",\"h\",\"i\"],", HttpStatusCode.BadRequest, "invalid_request")]
    [InlineData("\"models\":[\"embed-test\"],", HttpStatusCode.BadRequest, "invalid_request")]
    public async Task ABadModelsList_IsRefusedWithItsParam(string models, HttpStatusCode status, string code)
    {
        var account = await gateway.CreateAccountAsync();
        using var client = gateway.CreateClient(account.Key);

        using var response = await client.PostAsync("v1/chat/completions", Chat($$"""{"model":"fallback-cheap",{{models}}{{Messages}}}"""));

        Assert.Equal(status, response.StatusCode);
        var error = JsonNode.Parse(await response.Content.ReadAsStringAsync())!["error"]!;
        Assert.Equal((code, "models"), (error["code"]!.GetValue<string>(), error["param"]!.GetValue<string>()));
        Assert.Equal(10_000_000, await gateway.BalanceAsync(account));
    }

    [Fact]
    public async Task ModelsAlone_TheFirstIsTheModel()
    {
        var account = await gateway.CreateAccountAsync();
        using var client = gateway.CreateClient(account.Key);

        using var response = await client.PostAsync("v1/chat/completions", Chat($$"""{"models":["fallback-broken","fallback-cheap"],{{Messages}}}"""));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("fallback-cheap", JsonNode.Parse(await response.Content.ReadAsStringAsync())!["model"]!.GetValue<string>());
    }
}
