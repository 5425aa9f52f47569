using System.ClientModel;
using System.Net;
using System.Text;
using System.Text.Json.Nodes;
using OpenAI;
using OpenAI.Embeddings;

namespace TokenPortal.Tests.Gateway;

public sealed class EmbeddingsTests(GatewayFixture gateway) : IClassFixture<GatewayFixture>
{
    private EmbeddingClient Client(TestAccount account, string model = "embed-test") =>
        new(model, new ApiKeyCredential(account.Key), new OpenAIClientOptions { Endpoint = new Uri(gateway.BaseAddress, "v1") });

    [Fact]
    public async Task Sdk_SingleInputWithDimensions_ReturnsVectorAndBillsInputTokens()
    {
        var account = await gateway.CreateAccountAsync(usd: 1m);

        OpenAIEmbedding embedding = await Client(account).GenerateEmbeddingAsync("hello world", new EmbeddingGenerationOptions { Dimensions = 4 });

        Assert.Equal([0.25f, 0.5f, 0.75f, 1f], embedding.ToFloats().ToArray());
        // "hello world" is 2 tokens, at 2 USD per million.
        Assert.Equal(1_000_000 - 4, await gateway.BalanceAsync(account));
        var sent = gateway.Upstream.Received.Last(r => r.Model == "fake-embed").Body;
        Assert.Equal(4, sent["dimensions"]!.GetValue<int>());
        Assert.Null(sent["max_tokens"]);
        await gateway.AssertBooksBalanceAsync(account);
    }

    [Fact]
    public async Task Sdk_ManyInputs_ReturnsOneVectorEachAndTheUsage()
    {
        var account = await gateway.CreateAccountAsync(usd: 1m);

        OpenAIEmbeddingCollection embeddings = await Client(account).GenerateEmbeddingsAsync(["one", "two", "three"]);

        Assert.Equal(3, embeddings.Count);
        Assert.Equal(3, embeddings.Usage.InputTokenCount);
        // The SDK asks for base64 and decodes it: the vectors arrived intact through the gateway.
        Assert.Equal("base64", gateway.Upstream.Received.Last(r => r.Model == "fake-embed").Body["encoding_format"]!.GetValue<string>());
        Assert.Equal([0.25f, 0.5f, 0.75f], embeddings[2].ToFloats().ToArray());
        Assert.Equal("embed-test", embeddings.Model);
        Assert.Equal(1_000_000 - 6, await gateway.BalanceAsync(account));
        var row = Assert.Single(await gateway.LogRowsAsync(account));
        Assert.Equal(3, row.PromptTokens);
        Assert.Equal(0, row.CompletionTokens);
        Assert.Equal(6, row.CostMicros);
    }

    [Fact]
    public async Task Raw_FloatFormat_CarriesCostAndTheModelId()
    {
        var account = await gateway.CreateAccountAsync(usd: 1m);
        using var client = gateway.CreateClient(account.Key);

        using var response = await client.PostAsync("api/v1/embeddings", new StringContent(
            """{"model":"embed-test","input":[[1,2,3],[4,5]],"encoding_format":"float"}""", Encoding.UTF8, "application/json"));

        var body = JsonNode.Parse(await response.Content.ReadAsStringAsync())!;
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("embed-test", body["model"]!.GetValue<string>());
        Assert.Equal(2, body["data"]!.AsArray().Count);
        Assert.Equal(5, body["usage"]!["prompt_tokens"]!.GetValue<int>());
        Assert.Equal(0.00001m, body["usage"]!["cost"]!.GetValue<decimal>());
        Assert.Equal(0.25, body["data"]![0]!["embedding"]![0]!.GetValue<double>());
    }

    [Theory]
    [InlineData("""{"model":"embed-test"}""", "input")]
    [InlineData("""{"model":"embed-test","input":""}""", "input")]
    [InlineData("""{"model":"embed-test","input":[]}""", "input")]
    [InlineData("""{"model":"embed-test","input":[{"text":"x"}]}""", "input")]
    [InlineData("""{"model":"embed-test","input":"x","dimensions":0}""", "dimensions")]
    [InlineData("""{"model":"embed-test","input":"x","encoding_format":"hex"}""", "encoding_format")]
    [InlineData("""{"input":"x"}""", "model")]
    [InlineData("""{"model":"gpt-test","input":"x"}""", "model")]
    public async Task InvalidRequest_Returns400NamingTheParameter(string body, string param)
    {
        var account = await gateway.CreateAccountAsync(usd: 1m);
        using var client = gateway.CreateClient(account.Key);

        using var response = await client.PostAsync("v1/embeddings", new StringContent(body, Encoding.UTF8, "application/json"));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal(param, JsonNode.Parse(await response.Content.ReadAsStringAsync())!["error"]!["param"]?.GetValue<string>());
        Assert.Equal(1_000_000, await gateway.BalanceAsync(account));
    }
}
