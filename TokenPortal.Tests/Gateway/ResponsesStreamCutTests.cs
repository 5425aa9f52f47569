using System.Net;
using System.Text;
using System.Text.Json.Nodes;

namespace TokenPortal.Tests.Gateway;

/// <summary>
/// Claude and Gemini models whose streams the fake cuts midway. Their own fixture: the shared catalog is paged in the admin
/// pages' tests, and two more models there would push the ones those tests look for onto the next page.
/// </summary>
public sealed class CutStreamsFixture : GatewayFixture
{
    protected override void Configure(Dictionary<string, string?> settings)
    {
        AddModel(settings, 98, "claude-cut", "anthropic", input: "3", cached: "0.3", output: "15");
        AddModel(settings, 99, "gemini-cut", "gemini", input: "1", cached: "0.25", output: "4");
    }

    private static void AddModel(Dictionary<string, string?> settings, int index, string id, string provider, string input, string cached, string output)
    {
        var prefix = $"TokenPortal:Models:{index}:";
        settings[prefix + "Id"] = id;
        settings[prefix + "Provider"] = provider;
        settings[prefix + "UpstreamModel"] = id;
        settings[prefix + "InputPerMillionUsd"] = input;
        settings[prefix + "CachedInputPerMillionUsd"] = cached;
        settings[prefix + "OutputPerMillionUsd"] = output;
        settings[prefix + "MaxOutputTokens"] = "1024";
    }
}

/// <summary>A converted provider's stream cut midway on <c>/v1/responses</c>: the client is told it failed, and pays for what was generated.</summary>
public sealed class ResponsesStreamCutTests(CutStreamsFixture gateway) : IClassFixture<CutStreamsFixture>
{
    private static StringContent Json(string body) => new(body, Encoding.UTF8, "application/json");

    // What was generated before the cut: the prompt as the provider reported it at the start, and the words that reached us,
    // counted locally (the final count never came). Claude: 30 plain prompt tokens at 3 USD/M + 5 cache writes at 3.75 + 20 reads
    // at 0.3 + 4 out at 15 = 174.75, rounded up to 175 micro-USD. Gemini: 24 plain at 1 + 16 cached at 0.25 + 1 out at 4 = 32.
    [Theory]
    [InlineData("claude-cut", "Hello! It is", 4, 175)]
    [InlineData("gemini-cut", "Hello", 1, 32)]
    public async Task Stream_OfAConvertedProviderCutMidway_EndsWithResponseFailed_AndChargesWhatWasGenerated(string model, string firstWords, int outputTokens, long cost)
    {
        var account = await gateway.CreateAccountAsync(usd: 1m);
        using var client = gateway.CreateClient(account.Key);

        using var response = await client.PostAsync("v1/responses", Json($$"""{"model":"{{model}}","input":"Weather in Paris?","stream":true}"""));
        var events = await SseData.ReadNamedAsync(response);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(firstWords, string.Concat(events.Where(e => e.Event == "response.output_text.delta").Select(e => e.Data["delta"]!.GetValue<string>())));
        Assert.Equal(["response.failed", "error"], events.TakeLast(2).Select(e => e.Event));
        Assert.DoesNotContain(events, e => e.Event == "response.completed");
        Assert.Equal("failed", events[^2].Data["response"]!["status"]!.GetValue<string>());
        Assert.Equal("upstream_error", events[^1].Data["code"]!.GetValue<string>());
        var row = Assert.Single(await gateway.LogRowsAsync(account));
        Assert.Equal("upstream_error", row.ErrorCode);
        Assert.True(row.UsageEstimated);
        Assert.Equal((outputTokens, cost), (row.CompletionTokens, row.CostMicros));
        Assert.Equal(1_000_000 - cost, await gateway.BalanceAsync(account));
        await gateway.AssertBooksBalanceAsync(account);
    }
}
