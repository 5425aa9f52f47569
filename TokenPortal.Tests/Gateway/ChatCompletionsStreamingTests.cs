using System.Diagnostics;
using System.Net;
using System.Text;
using System.Text.Json.Nodes;
using TokenPortal.Core.Data.Entities;

namespace TokenPortal.Tests.Gateway;

/// <summary>The SSE relay at the wire level: what the client sees, and what it is charged.</summary>
public sealed class ChatCompletionsStreamingTests(GatewayFixture gateway) : IClassFixture<GatewayFixture>
{
    private static StringContent Body(string model, bool includeUsage = false, string extra = "") => new(
        $$"""{"model":"{{model}}","stream":true,{{(includeUsage ? "\"stream_options\":{\"include_usage\":true}," : "")}}{{extra}}"messages":[{"role":"user","content":"Tell me something."}]}""",
        Encoding.UTF8, "application/json");

    [Fact]
    public async Task Stream_WithoutIncludeUsage_HidesUsageChunkButStillBills()
    {
        var account = await gateway.CreateAccountAsync();
        using var client = gateway.CreateClient(account.Key);

        using var response = await client.PostAsync("v1/chat/completions", Body("gpt-test"));
        var events = await SseData.ReadAllAsync(response);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.StartsWith("text/event-stream", response.Content.Headers.ContentType!.ToString());
        Assert.Equal("[DONE]", events[^1]);
        var chunks = events[..^1].Select(e => JsonNode.Parse(e)!).ToList();
        Assert.All(chunks, c => Assert.True(c["usage"] is null, "no usage may reach a client that did not ask"));
        Assert.All(chunks, c => Assert.Equal("gpt-test", c["model"]!.GetValue<string>()));
        Assert.Equal(FakeUpstream.FullText, string.Concat(chunks.Select(c => c["choices"]![0]!["delta"]!["content"]?.GetValue<string>())));
        // The gateway asked the upstream for usage anyway, and billed by it.
        var sent = gateway.Upstream.Received.Last(r => r.Model == "fake-echo" && r.Body["stream"]?.GetValue<bool>() == true);
        Assert.True(sent.Body["stream_options"]!["include_usage"]!.GetValue<bool>());
        Assert.Equal(10_000_000 - GatewaySettings.EchoCostMicros(), await gateway.BalanceAsync(account));
    }

    [Fact]
    public async Task Stream_WithIncludeUsage_EndsWithUsageChunkCarryingCost()
    {
        var account = await gateway.CreateAccountAsync();
        using var client = gateway.CreateClient(account.Key);

        using var response = await client.PostAsync("v1/chat/completions", Body("gpt-test", includeUsage: true));
        var events = await SseData.ReadAllAsync(response);

        Assert.Equal("[DONE]", events[^1]);
        var usageChunk = JsonNode.Parse(events[^2])!;
        Assert.Empty(usageChunk["choices"]!.AsArray());
        var usage = usageChunk["usage"]!;
        Assert.Equal(FakeUpstream.PromptTokens, usage["prompt_tokens"]!.GetValue<int>());
        Assert.Equal(7, usage["completion_tokens"]!.GetValue<int>());
        Assert.Equal(49, usage["total_tokens"]!.GetValue<int>());
        Assert.Equal(FakeUpstream.CachedTokens, usage["prompt_tokens_details"]!["cached_tokens"]!.GetValue<int>());
        Assert.Equal(0, usage["completion_tokens_details"]!["reasoning_tokens"]!.GetValue<int>());
        Assert.Equal(GatewaySettings.EchoCostMicros() / 1_000_000m, usage["cost"]!.GetValue<decimal>());
        Assert.Equal("gpt-test", usageChunk["model"]!.GetValue<string>());
    }

    [Fact]
    public async Task Stream_RelaysEachEventAsItArrives()
    {
        var account = await gateway.CreateAccountAsync();
        using var client = gateway.CreateClient(account.Key);
        using var request = new HttpRequestMessage(HttpMethod.Post, "v1/chat/completions") { Content = Body("slow") };

        // The fake sends 20 chunks 150 ms apart: a buffering relay would deliver them all at once at the end.
        using var response = await client.SendAsync(request, HttpCompletionOption.ResponseHeadersRead);
        using var reader = new StreamReader(await response.Content.ReadAsStreamAsync());
        var arrivals = new List<long>();
        var clock = Stopwatch.StartNew();
        while (await reader.ReadLineAsync() is { } line)
        {
            if (line.StartsWith("data: {", StringComparison.Ordinal))
                arrivals.Add(clock.ElapsedMilliseconds);
        }

        Assert.True(arrivals.Count >= 20);
        var spread = arrivals[19] - arrivals[0];
        Assert.True(spread >= 19 * 100, $"chunks arrived within {spread} ms of each other: the stream was buffered");
    }

    [Fact]
    public async Task Stream_UpstreamFailsBeforeFirstByte_GetsJsonErrorAndRefund()
    {
        var account = await gateway.CreateAccountAsync(usd: 1m);
        using var client = gateway.CreateClient(account.Key);

        using var response = await client.PostAsync("v1/chat/completions", Body("500"));

        Assert.Equal(HttpStatusCode.BadGateway, response.StatusCode);
        Assert.StartsWith("application/json", response.Content.Headers.ContentType!.ToString());
        var error = JsonNode.Parse(await response.Content.ReadAsStringAsync())!["error"]!;
        Assert.Equal("upstream_error", error["type"]!.GetValue<string>());
        Assert.Contains("failed (HTTP 500)", error["message"]!.GetValue<string>());
        // The provider's own words stay in the server log: they can name internal hosts or org ids.
        Assert.DoesNotContain("server had an error", error["message"]!.GetValue<string>());
        Assert.Equal(1_000_000, await gateway.BalanceAsync(account));
        await gateway.AssertBooksBalanceAsync(account);
    }

    [Fact]
    public async Task Stream_CutMidway_SendsErrorEventAndChargesWhatWasGenerated()
    {
        var account = await gateway.CreateAccountAsync(usd: 1m);
        using var client = gateway.CreateClient(account.Key);

        using var response = await client.PostAsync("v1/chat/completions", Body("cut"));
        var raw = await response.Content.ReadAsStringAsync();

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Contains("event: error", raw);
        Assert.DoesNotContain("[DONE]", raw);
        // The provider generated (and bills) the prompt and three words before it broke: so does the gateway.
        var row = Assert.Single(await gateway.LogRowsAsync(account));
        Assert.Equal("upstream_error", row.ErrorCode);
        Assert.True(row.UsageEstimated);
        Assert.InRange(row.CompletionTokens, 3, 6);
        Assert.True(row.PromptTokens > 0);
        Assert.True(row.CostMicros > 0);
        Assert.Equal(1_000_000 - row.CostMicros, await gateway.BalanceAsync(account));
        await gateway.AssertBooksBalanceAsync(account);
    }

    [Fact]
    public async Task Stream_UpstreamGoesSilentAfterFirstChunk_TimesOutWithErrorEvent_AndBillsWhatCame()
    {
        var account = await gateway.CreateAccountAsync(usd: 1m);
        using var client = gateway.CreateClient(account.Key);

        using var response = await client.PostAsync("v1/chat/completions", Body("stall"));
        var raw = await response.Content.ReadAsStringAsync();

        Assert.Contains("Hello", raw);
        Assert.Contains("event: error", raw);
        Assert.Contains("went silent", raw);
        var row = Assert.Single(await gateway.LogRowsAsync(account));
        Assert.True(row.UsageEstimated);
        Assert.True(row.CostMicros > 0);
        Assert.Equal(1_000_000 - row.CostMicros, await gateway.BalanceAsync(account));
        await gateway.AssertBooksBalanceAsync(account);
    }

    [Fact]
    public async Task Stream_UpstreamOmitsUsage_CountsLocallyAndMarksEstimated()
    {
        var account = await gateway.CreateAccountAsync(usd: 1m);
        using var client = gateway.CreateClient(account.Key);

        using var response = await client.PostAsync("v1/chat/completions", Body("no-usage", includeUsage: true));
        var events = await SseData.ReadAllAsync(response);

        var usage = JsonNode.Parse(events[^2])!["usage"]!;
        var completionTokens = usage["completion_tokens"]!.GetValue<int>();
        Assert.InRange(completionTokens, 5, 9);
        Assert.True(usage["prompt_tokens"]!.GetValue<int>() > 0);
        var row = Assert.Single(await gateway.LogRowsAsync(account));
        Assert.True(row.UsageEstimated);
        Assert.Equal(completionTokens, row.CompletionTokens);
        Assert.True(row.CostMicros > 0);
        Assert.Equal(1_000_000 - row.CostMicros, await gateway.BalanceAsync(account));
        await gateway.AssertBooksBalanceAsync(account);
    }

    [Fact]
    public async Task Stream_ClientDisconnectsMidway_IsBilledForWhatUpstreamGenerated()
    {
        var account = await gateway.CreateAccountAsync(usd: 1m);
        // Hang up after three of twenty chunks.
        await ReadChunksThenHangUpAsync(account, "slow", chunks: 3);

        // The gateway drains the upstream (bounded) to learn its own count: all 20 tokens were generated.
        var row = await WaitForLogRowAsync(account);
        Assert.Equal(499, row.Status);
        Assert.False(row.UsageEstimated);
        Assert.Equal(20, row.CompletionTokens);
        var expected = GatewaySettings.EchoCostMicros(completionTokens: 20);
        Assert.Equal(expected, row.CostMicros);
        Assert.Equal(1_000_000 - expected, await gateway.BalanceAsync(account));
        await gateway.AssertBooksBalanceAsync(account);
    }

    [Fact]
    public async Task Stream_ClientLeavesALongAnswer_ItIsReadToTheEndAndBilledAtTheProvidersCount()
    {
        var account = await gateway.CreateAccountAsync(usd: 1m);
        // Hang up after three words; the fake goes on for ten more seconds, five times its idle timeout, never silent for long.
        await ReadChunksThenHangUpAsync(account, "long", chunks: 3);

        var row = await WaitForLogRowAsync(account, timeoutSeconds: 30);
        Assert.Equal(499, row.Status);
        Assert.False(row.UsageEstimated);
        Assert.Equal(400, row.CompletionTokens);
        var expected = GatewaySettings.EchoCostMicros(completionTokens: 400);
        Assert.Equal(expected, row.CostMicros);
        Assert.Equal(1_000_000 - expected, await gateway.BalanceAsync(account));
        await gateway.AssertBooksBalanceAsync(account);
    }

    [Fact]
    public async Task Stream_ClientLeavesAndTheUpstreamThenStalls_IsBilledForWhatItGenerated()
    {
        var account = await gateway.CreateAccountAsync(usd: 1m);
        // The client reads the first word and leaves; the fake then goes silent until the idle timeout cuts it off.
        await ReadChunksThenHangUpAsync(account, "stall", chunks: 1);

        var row = await WaitForLogRowAsync(account, timeoutSeconds: 20);
        // Logged as the client's leaving or the provider's silence, whichever the gateway noticed first: billed either way.
        Assert.Contains(row.Status, new[] { 499, 502 });
        Assert.True(row.UsageEstimated);
        Assert.InRange(row.CompletionTokens, 1, 3);
        Assert.True(row.CostMicros > 0);
        Assert.Equal(1_000_000 - row.CostMicros, await gateway.BalanceAsync(account));
        await gateway.AssertBooksBalanceAsync(account);
    }

    [Fact]
    public async Task Stream_OnlyModelAndUsageChange_OtherFieldsPassThrough()
    {
        var account = await gateway.CreateAccountAsync();
        using var client = gateway.CreateClient(account.Key);

        using var response = await client.PostAsync("v1/chat/completions", Body("gpt-test"));
        var first = JsonNode.Parse((await SseData.ReadAllAsync(response))[0])!;

        Assert.Equal("chatcmpl-fake", first["id"]!.GetValue<string>());
        Assert.Equal("fp_1", first["system_fingerprint"]!.GetValue<string>());
        Assert.Equal(1700000000, first["created"]!.GetValue<long>());
        Assert.Equal("assistant", first["choices"]![0]!["delta"]!["role"]!.GetValue<string>());
    }

    private async Task ReadChunksThenHangUpAsync(TestAccount account, string model, int chunks)
    {
        using var client = gateway.CreateClient(account.Key);
        using var request = new HttpRequestMessage(HttpMethod.Post, "v1/chat/completions") { Content = Body(model) };
        using var response = await client.SendAsync(request, HttpCompletionOption.ResponseHeadersRead);
        using var reader = new StreamReader(await response.Content.ReadAsStreamAsync());
        var seen = 0;
        while (seen < chunks && await reader.ReadLineAsync() is { } line)
        {
            if (line.StartsWith("data: {", StringComparison.Ordinal))
                seen++;
        }
    }

    private async Task<RequestLogRecord> WaitForLogRowAsync(TestAccount account, int timeoutSeconds = 10)
    {
        for (var i = 0; i < timeoutSeconds * 20; i++)
        {
            var rows = await gateway.LogRowsAsync(account);
            if (rows.Count > 0)
                return rows[0];
            await Task.Delay(50);
        }
        throw new TimeoutException("No request log row was written.");
    }
}
