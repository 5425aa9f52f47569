using System.ClientModel;
using System.Net;
using System.Text.Json.Nodes;
using OpenAI;
using OpenAI.Models;
using TokenPortal.Core.Keys;

namespace TokenPortal.Tests.Gateway;

public sealed class ModelsEndpointTests(GatewayFixture gateway) : IClassFixture<GatewayFixture>
{
    [Fact]
    public async Task ListModels_OpenAIShapeWithPricingPerMillion()
    {
        using var client = gateway.CreateClient();

        var body = JsonNode.Parse(await client.GetStringAsync("v1/models"))!;

        Assert.Equal("list", body["object"]!.GetValue<string>());
        var entry = body["data"]!.AsArray().Single(m => m!["id"]!.GetValue<string>() == "gpt-test")!;
        Assert.Equal("model", entry["object"]!.GetValue<string>());
        Assert.Equal("fake", entry["owned_by"]!.GetValue<string>());
        Assert.Equal(2m, entry["pricing"]!["input"]!.GetValue<decimal>());
        Assert.Equal(0.5m, entry["pricing"]!["cached_input"]!.GetValue<decimal>());
        Assert.Equal(8m, entry["pricing"]!["output"]!.GetValue<decimal>());
    }

    [Fact]
    public async Task ListModels_CarryContextLengthModalitiesAndCacheWritePrices()
    {
        using var client = gateway.CreateClient();

        var data = JsonNode.Parse(await client.GetStringAsync("v1/models"))!["data"]!.AsArray();
        JsonNode Entry(string id) => data.Single(m => m!["id"]!.GetValue<string>() == id)!;

        // As configured: a context length, and inputs named in any case, listed in lower case.
        var gpt = Entry("gpt-test");
        Assert.Equal(128000, gpt["context_length"]!.GetValue<int>());
        Assert.Equal(GatewaySettings.MaxOutputTokens, gpt["max_output_tokens"]!.GetValue<int>());
        Assert.Equal(["text", "image"], Strings(gpt["architecture"]!["input_modalities"]));
        Assert.Equal(["text"], Strings(gpt["architecture"]!["output_modalities"]));
        // An OpenAI-compatible provider has no cache-write charge: writes cost the input price.
        Assert.Equal((2m, 2m), (gpt["pricing"]!["cache_write"]!.GetValue<decimal>(), gpt["pricing"]!["cache_write_1h"]!.GetValue<decimal>()));

        // Anthropic: 1.25x input for the 5-minute cache, 2x for the hour; nothing said of its context, so none listed.
        var claude = Entry("claude-test");
        Assert.Equal((3.75m, 6m), (claude["pricing"]!["cache_write"]!.GetValue<decimal>(), claude["pricing"]!["cache_write_1h"]!.GetValue<decimal>()));
        Assert.Null(claude["context_length"]);
        Assert.Equal(["text"], Strings(claude["architecture"]!["input_modalities"]));

        Assert.Equal(["embeddings"], Strings(Entry("gemini-embed")["architecture"]!["output_modalities"]));
    }

    private static string[] Strings(JsonNode? array) => array!.AsArray().Select(n => n!.GetValue<string>()).ToArray();

    [Fact]
    public async Task ListModels_WithOfficialSdk()
    {
        var account = await gateway.CreateAccountAsync();
        var models = new OpenAIModelClient(new ApiKeyCredential(account.Key), new OpenAIClientOptions { Endpoint = new Uri(gateway.BaseAddress, "v1") });

        OpenAIModelCollection list = await models.GetModelsAsync();
        OpenAIModel one = await models.GetModelAsync("gpt-test");

        Assert.Contains(list, m => m.Id == "gpt-test");
        Assert.Equal("fake", one.OwnedBy);
    }

    [Fact]
    public async Task ListModels_KeyWithAllowlistSeesOnlyItsModels()
    {
        var account = await gateway.CreateAccountAsync(spec: new ApiKeySpec("narrow", AllowedModels: ["gpt-test"]));
        using var client = gateway.CreateClient(account.Key);

        var ids = JsonNode.Parse(await client.GetStringAsync("api/v1/models"))!["data"]!.AsArray().Select(m => m!["id"]!.GetValue<string>());

        Assert.Equal(["gpt-test"], ids);
    }

    [Fact]
    public async Task GetModel_UnknownIs404InOpenAIShape()
    {
        using var client = gateway.CreateClient();

        using var response = await client.GetAsync("v1/models/nope");

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        Assert.Equal("model_not_found", JsonNode.Parse(await response.Content.ReadAsStringAsync())!["error"]!["code"]!.GetValue<string>());
    }

    [Fact]
    public async Task Healthz_AnswersWhenTheDatabaseDoes()
    {
        using var client = gateway.CreateClient();

        using var response = await client.GetAsync("healthz");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }
}
