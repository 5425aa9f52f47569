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
