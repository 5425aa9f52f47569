using System.Net;
using System.Text;
using System.Text.Json.Nodes;
using TokenPortal.Core.Keys;

namespace TokenPortal.Tests.Gateway;

/// <summary>Every row of DESIGN.md's error table that a chat request can hit: the shape, and that nothing is charged.</summary>
public sealed class ChatCompletionsErrorTests(GatewayFixture gateway) : IClassFixture<GatewayFixture>
{
    private const string Hello = """{"model":"gpt-test","messages":[{"role":"user","content":"hi"}]}""";

    private static StringContent Json(string body) => new(body, Encoding.UTF8, "application/json");

    [Theory]
    [InlineData("not json at all", null)]
    [InlineData("[1,2,3]", null)]
    [InlineData("""{"model":"gpt-test","messages":[{"role":"user","content":"hi"}]} trailing""", null)]
    [InlineData("""{"messages":[{"role":"user","content":"hi"}]}""", "model")]
    [InlineData("""{"model":42,"messages":[{"role":"user","content":"hi"}]}""", "model")]
    [InlineData("""{"model":"gpt-test"}""", "messages")]
    [InlineData("""{"model":"gpt-test","messages":[]}""", "messages")]
    [InlineData("""{"model":"gpt-test","messages":"hi"}""", "messages")]
    [InlineData("""{"model":"gpt-test","messages":["hi"]}""", "messages")]
    [InlineData("""{"model":"gpt-test","stream":"yes","messages":[{"role":"user","content":"hi"}]}""", "stream")]
    [InlineData("""{"model":"gpt-test","max_tokens":-5,"messages":[{"role":"user","content":"hi"}]}""", "max_tokens")]
    [InlineData("""{"model":"gpt-test","max_tokens":1.5,"messages":[{"role":"user","content":"hi"}]}""", "max_tokens")]
    [InlineData("""{"model":"gpt-test","max_completion_tokens":99999999999,"messages":[{"role":"user","content":"hi"}]}""", "max_completion_tokens")]
    [InlineData("""{"model":"gpt-test","n":0,"messages":[{"role":"user","content":"hi"}]}""", "n")]
    [InlineData("""{"model":"gpt-test","stream":true,"stream_options":{"include_usage":"y"},"messages":[{"role":"user","content":"hi"}]}""", "stream_options")]
    [InlineData("""{"model":"embed-test","messages":[{"role":"user","content":"hi"}]}""", "model")]
    public async Task MalformedRequest_Returns400NamingTheParameter_AndChargesNothing(string body, string? param)
    {
        var account = await gateway.CreateAccountAsync(usd: 1m);
        using var client = gateway.CreateClient(account.Key);
        var before = gateway.Upstream.Received.Count;

        using var response = await client.PostAsync("v1/chat/completions", Json(body));

        var error = await OpenAIError.AssertAsync(response, HttpStatusCode.BadRequest, "invalid_request_error", "invalid_request");
        Assert.Equal(param, error["param"]?.GetValue<string>());
        Assert.Equal(1_000_000, await gateway.BalanceAsync(account));
        Assert.Equal(before, gateway.Upstream.Received.Count);
    }

    [Fact]
    public async Task AModelNameLongerThanAnyId_Is400_LoggedWithoutIt_AndTheLogKeepsWorking()
    {
        var account = await gateway.CreateAccountAsync(usd: 1m);
        using var client = gateway.CreateClient(account.Key);

        using var refused = await client.PostAsync("v1/chat/completions", Json($$"""{"model":"{{new string('m', 10_000)}}","messages":[{"role":"user","content":"hi"}]}"""));
        using var served = await client.PostAsync("v1/chat/completions", Json(Hello));

        var error = await OpenAIError.AssertAsync(refused, HttpStatusCode.BadRequest, "invalid_request_error", "invalid_request");
        Assert.Equal("model", error["param"]?.GetValue<string>());
        Assert.Equal(HttpStatusCode.OK, served.StatusCode);
        // Both rows written in the same batch (PostgreSQL's varchar(200) used to refuse it whole): the refusal without the name.
        var rows = await gateway.LogRowsAsync(account);
        Assert.Equal([(400, ""), (200, "gpt-test")], rows.Select(r => (r.Status, r.Model)));
    }

    [Fact]
    public async Task EmptyBody_Returns400()
    {
        var account = await gateway.CreateAccountAsync();
        using var client = gateway.CreateClient(account.Key);

        using var response = await client.PostAsync("v1/chat/completions", Json(""));

        await OpenAIError.AssertAsync(response, HttpStatusCode.BadRequest, "invalid_request_error", "invalid_request");
    }

    [Theory]
    [InlineData(null)]
    [InlineData("sk-tp-short")]
    [InlineData("sk-tp-AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA")]
    [InlineData("Basic dXNlcjpwYXNz")]
    public async Task MissingOrUnknownKey_Returns401(string? key)
    {
        using var client = gateway.CreateClient();
        if (key is not null)
            client.DefaultRequestHeaders.TryAddWithoutValidation("Authorization", key.StartsWith("Basic") ? key : "Bearer " + key);

        using var response = await client.PostAsync("v1/chat/completions", Json(Hello));

        await OpenAIError.AssertAsync(response, HttpStatusCode.Unauthorized, "authentication_error", "invalid_api_key");
    }

    [Fact]
    public async Task XApiKeyHeader_Authenticates()
    {
        var account = await gateway.CreateAccountAsync();
        using var client = gateway.CreateClient();
        client.DefaultRequestHeaders.Add("x-api-key", account.Key);

        using var response = await client.PostAsync("v1/chat/completions", Json(Hello));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }

    [Fact]
    public async Task RevokedKey_Returns401OnTheVeryNextRequest()
    {
        var account = await gateway.CreateAccountAsync();
        using var client = gateway.CreateClient(account.Key);
        using (var first = await client.PostAsync("v1/chat/completions", Json(Hello)))
            Assert.Equal(HttpStatusCode.OK, first.StatusCode);

        var result = await Service<IApiKeyService>().RevokeAsync(ApiKeyFormat.Prefix(account.Key), "admin@example.test", CancellationToken.None);

        Assert.Equal(RevokeResult.Revoked, result);
        using var second = await client.PostAsync("v1/chat/completions", Json(Hello));
        await OpenAIError.AssertAsync(second, HttpStatusCode.Unauthorized, "authentication_error", "invalid_api_key");
    }

    [Fact]
    public async Task ExpiredKey_Returns401()
    {
        var account = await gateway.CreateAccountAsync(spec: new ApiKeySpec("short-lived", ExpiresAt: DateTimeOffset.UtcNow.AddSeconds(1)));
        await Task.Delay(1100);
        using var client = gateway.CreateClient(account.Key);

        using var response = await client.PostAsync("v1/chat/completions", Json(Hello));

        await OpenAIError.AssertAsync(response, HttpStatusCode.Unauthorized, "authentication_error", "invalid_api_key");
    }

    [Fact]
    public async Task BalanceBelowFloor_Returns402WithoutContactingUpstream()
    {
        // 0.0001 USD = 100 micro-USD; the floor (about 12 prompt tokens x 2 + 16 output x 8 micro-USD) is ~150.
        var account = await gateway.CreateAccountAsync(usd: 0.0001m);
        using var client = gateway.CreateClient(account.Key);
        var before = gateway.Upstream.CountFor("fake-echo");

        using var response = await client.PostAsync("v1/chat/completions", Json(Hello));

        await OpenAIError.AssertAsync(response, HttpStatusCode.PaymentRequired, "insufficient_quota", "insufficient_balance");
        Assert.Equal(before, gateway.Upstream.CountFor("fake-echo"));
        Assert.Equal(100, await gateway.BalanceAsync(account));
        await gateway.AssertBooksBalanceAsync(account);
    }

    [Fact]
    public async Task ZeroBalance_Returns402()
    {
        var account = await gateway.CreateAccountAsync(usd: 0m);
        using var client = gateway.CreateClient(account.Key);

        using var response = await client.PostAsync("v1/chat/completions", Json(Hello));

        await OpenAIError.AssertAsync(response, HttpStatusCode.PaymentRequired, "insufficient_quota", "insufficient_balance");
    }

    [Fact]
    public async Task BalanceBelowWorstCase_LowersMaxTokensSentUpstream()
    {
        // 0.002 USD covers the prompt plus roughly 240 output tokens at 8 USD per million, not the 1000 asked for.
        var account = await gateway.CreateAccountAsync(usd: 0.002m);
        using var client = gateway.CreateClient(account.Key);

        using var response = await client.PostAsync("v1/chat/completions",
            Json("""{"model":"gpt-test","max_tokens":1000,"user":"lowered","messages":[{"role":"user","content":"hi"}]}"""));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var sent = gateway.Upstream.Received.Last(r => r.Body["user"]?.GetValue<string>() == "lowered");
        var bound = sent.Body["max_tokens"]!.GetValue<int>();
        Assert.InRange(bound, 16, 249);
        Assert.Equal(2_000 - GatewaySettings.EchoCostMicros(), await gateway.BalanceAsync(account));
    }

    [Fact]
    public async Task NoMaxTokens_SendsModelDefaultBoundUpstream()
    {
        var account = await gateway.CreateAccountAsync();
        using var client = gateway.CreateClient(account.Key);

        using var response = await client.PostAsync("v1/chat/completions",
            Json("""{"model":"gpt-test","user":"default-bound","messages":[{"role":"user","content":"hi"}]}"""));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var sent = gateway.Upstream.Received.Last(r => r.Body["user"]?.GetValue<string>() == "default-bound");
        Assert.Equal(GatewaySettings.MaxOutputTokens, sent.Body["max_tokens"]!.GetValue<int>());
    }

    [Theory]
    [InlineData("500", "failed (HTTP 500)")]
    [InlineData("garbage", "invalid response")]
    [InlineData("hang", "did not answer")]
    [InlineData("cut", "cut off")]
    public async Task UpstreamFault_Returns502AndRefundsEverything(string model, string message)
    {
        var account = await gateway.CreateAccountAsync(usd: 1m);
        using var client = gateway.CreateClient(account.Key);

        using var response = await client.PostAsync("v1/chat/completions",
            Json($$"""{"model":"{{model}}","messages":[{"role":"user","content":"hi"}]}"""));

        var error = await OpenAIError.AssertAsync(response, HttpStatusCode.BadGateway, "upstream_error", "upstream_error");
        Assert.Contains(message, error["message"]!.GetValue<string>());
        Assert.Equal(1_000_000, await gateway.BalanceAsync(account));
        await gateway.AssertBooksBalanceAsync(account);
        var row = Assert.Single(await gateway.LogRowsAsync(account));
        Assert.Equal(502, row.Status);
        Assert.Equal(0, row.CostMicros);
    }

    [Fact]
    public async Task UpstreamRejectsRequest_Returns400WithProviderMessage()
    {
        var account = await gateway.CreateAccountAsync(usd: 1m);
        using var client = gateway.CreateClient(account.Key);

        using var response = await client.PostAsync("v1/chat/completions", Json("""{"model":"400","messages":[{"role":"user","content":"hi"}]}"""));

        var error = await OpenAIError.AssertAsync(response, HttpStatusCode.BadRequest, "invalid_request_error", "invalid_request");
        Assert.Contains("maximum context length", error["message"]!.GetValue<string>());
        Assert.Equal(1_000_000, await gateway.BalanceAsync(account));
    }

    [Fact]
    public async Task BodyOverLimit_Returns413()
    {
        var account = await gateway.CreateAccountAsync();
        using var client = gateway.CreateClient(account.Key);
        var huge = new string('a', 70_000);

        using var response = await client.PostAsync("v1/chat/completions",
            Json($$"""{"model":"gpt-test","messages":[{"role":"user","content":"{{huge}}"}]}"""));

        await OpenAIError.AssertAsync(response, HttpStatusCode.RequestEntityTooLarge, "invalid_request_error", "request_too_large");
    }

    [Fact]
    public async Task ChunkedBodyOverLimit_Returns413()
    {
        var account = await gateway.CreateAccountAsync();
        using var client = gateway.CreateClient(account.Key);
        var content = new StreamContent(new MemoryStream(Encoding.UTF8.GetBytes(new string(' ', 70_000) + Hello)));
        content.Headers.ContentType = new("application/json");
        using var request = new HttpRequestMessage(HttpMethod.Post, "v1/chat/completions") { Content = content };
        request.Headers.TransferEncodingChunked = true;

        using var response = await client.SendAsync(request);

        await OpenAIError.AssertAsync(response, HttpStatusCode.RequestEntityTooLarge, "invalid_request_error", "request_too_large");
    }

    [Fact]
    public async Task UnknownEndpoint_Returns404InOpenAIShape()
    {
        using var client = gateway.CreateClient();

        using var response = await client.PostAsync("v1/completions/legacy", Json(Hello));

        await OpenAIError.AssertAsync(response, HttpStatusCode.NotFound, "invalid_request_error", "unknown_endpoint");
    }

    [Fact]
    public async Task PassThroughFields_ReachUpstreamUntouched()
    {
        var account = await gateway.CreateAccountAsync();
        using var client = gateway.CreateClient(account.Key);
        const string tools = """[{"type":"function","function":{"name":"get_weather","description":"Weather \u00e9t\u00e9","parameters":{"type":"object","properties":{"city":{"type":"string"}},"required":["city"]}}}]""";

        using var response = await client.PostAsync("v1/chat/completions", Json($$"""
            {"model":"gpt-test","user":"passthrough","messages":[{"role":"system","content":"Be brief."},{"role":"user","content":"Weather?"}],
             "tools":{{tools}},"tool_choice":"auto","response_format":{"type":"json_object"},"n":1,"stop":["\n\n"],
             "presence_penalty":0.5,"frequency_penalty":0.25,"seed":7,"logprobs":true,"top_logprobs":2,"temperature":0.3,"top_p":0.9,
             "metadata":{"trace":"abc"},"parallel_tool_calls":false}
            """));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var sent = gateway.Upstream.Received.Last(r => r.Body["user"]?.GetValue<string>() == "passthrough").Body;
        Assert.True(JsonNode.DeepEquals(JsonNode.Parse(tools), sent["tools"]));
        Assert.Equal("auto", sent["tool_choice"]!.GetValue<string>());
        Assert.Equal("json_object", sent["response_format"]!["type"]!.GetValue<string>());
        Assert.Equal("\n\n", sent["stop"]![0]!.GetValue<string>());
        Assert.Equal(0.5, sent["presence_penalty"]!.GetValue<double>());
        Assert.Equal(7, sent["seed"]!.GetValue<int>());
        Assert.True(sent["logprobs"]!.GetValue<bool>());
        Assert.Equal(0.9, sent["top_p"]!.GetValue<double>());
        Assert.Equal("abc", sent["metadata"]!["trace"]!.GetValue<string>());
        Assert.False(sent["parallel_tool_calls"]!.GetValue<bool>());
        Assert.Equal("fake-echo", sent["model"]!.GetValue<string>());
        Assert.Equal(2, sent["messages"]!.AsArray().Count);
        Assert.Equal("Bearer sk-upstream-secret", gateway.Upstream.Received.Last(r => r.Body["user"]?.GetValue<string>() == "passthrough").Authorization);
    }

    [Fact]
    public async Task NonStreamingResponse_CarriesCostAndCachedTokens()
    {
        var account = await gateway.CreateAccountAsync();
        using var client = gateway.CreateClient(account.Key);

        using var response = await client.PostAsync("v1/chat/completions", Json(Hello));

        var body = JsonNode.Parse(await response.Content.ReadAsStringAsync())!;
        Assert.Equal("gpt-test", body["model"]!.GetValue<string>());
        Assert.Equal(GatewaySettings.EchoCostMicros() / 1_000_000m, body["usage"]!["cost"]!.GetValue<decimal>());
        Assert.Equal(FakeUpstream.CachedTokens, body["usage"]!["prompt_tokens_details"]!["cached_tokens"]!.GetValue<int>());
        Assert.Equal("fp_1", body["system_fingerprint"]!.GetValue<string>());
        Assert.StartsWith("req_", response.Headers.GetValues("x-request-id").Single());
    }

    private T Service<T>() where T : notnull =>
        Microsoft.Extensions.DependencyInjection.ServiceProviderServiceExtensions.GetRequiredService<T>(gateway.Factory.Services);
}
