using System.ClientModel;
using System.Net;
using System.Text;
using System.Text.Json.Nodes;
using OpenAI;
using OpenAI.Chat;

namespace TokenPortal.Tests.Routing;

/// <summary>
/// Failover through HTTP, with fake upstreams failing on command: before the first byte a failed channel is left for the
/// next one and the call is charged once; after it, never. The cases are the failover bugs of the gateways we are
/// compared with (LiteLLM, new-api, Bifrost).
/// </summary>
public sealed class FailoverTests(RoutingFixture gateway) : IClassFixture<RoutingFixture>
{
    private static StringContent Body(string model, bool stream, string extra = "") => new(
        $$"""{"model":"{{model}}","stream":{{(stream ? "true" : "false")}},{{extra}}"messages":[{"role":"user","content":"Tell me something."}]}""",
        Encoding.UTF8, "application/json");

    [Theory]
    [InlineData(500)]
    [InlineData(503)]
    [InlineData(429)]
    public async Task AFailingChannel_IsLeftForTheNext_AndTheCallIsChargedOnce(int status)
    {
        gateway.Upstream.Behave("failover-a", _ => FakeStep.Fail(status));
        var account = await gateway.CreateAccountAsync();
        var client = new ChatClient("route-failover", new ApiKeyCredential(account.Key),
            new OpenAIClientOptions { Endpoint = new Uri(gateway.BaseAddress, "v1") });

        var before = gateway.Upstream.CountFor("failover-b");
        ChatCompletion completion = await client.CompleteChatAsync([new UserChatMessage("hi")]);

        Assert.Equal(FakeUpstream.FullText, completion.Content[0].Text);
        Assert.Equal("route-failover", completion.Model);
        Assert.Equal(before + 1, gateway.Upstream.CountFor("failover-b"));
        Assert.Equal(10_000_000 - GatewaySettings.EchoCostMicros(), await gateway.BalanceAsync(account));
        await gateway.AssertBooksBalanceAsync(account);
        var entries = await gateway.LedgerEntriesAsync(account);
        Assert.Single(entries, e => e.Kind == Core.Data.Entities.LedgerEntryKind.Reserve);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task StreamedAndWholeRequests_FailOverAlike_OnAResetAndA5xx(bool stream)
    {
        // Channel a: first a reset connection, then a 502; every request lands on b.
        var name = stream ? "stream" : "whole";
        gateway.Upstream.Behave(name + "-a", n => n % 2 == 0 ? FakeStep.ResetConnection : FakeStep.Fail(502));
        var account = await gateway.CreateAccountAsync();
        using var client = gateway.CreateClient(account.Key);

        for (var i = 0; i < 2; i++)
        {
            using var response = await client.PostAsync("v1/chat/completions", Body("route-" + name, stream, stream ? "\"stream_options\":{\"include_usage\":true}," : ""));
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            if (stream)
            {
                var events = await SseData.ReadAllAsync(response);
                Assert.Equal("[DONE]", events[^1]);
                var chunks = events[..^1].Select(e => JsonNode.Parse(e)!).ToList();
                Assert.Equal(FakeUpstream.FullText, string.Concat(chunks.Select(c => c["choices"]!.AsArray().FirstOrDefault()?["delta"]!["content"]?.GetValue<string>())));
                Assert.Single(chunks, c => c["choices"]!.AsArray().FirstOrDefault()?["delta"]!["role"] is not null);
            }
            else
            {
                var json = JsonNode.Parse(await response.Content.ReadAsStringAsync())!;
                Assert.Equal(FakeUpstream.FullText, json["choices"]![0]!["message"]!["content"]!.GetValue<string>());
            }
        }

        Assert.Equal(10_000_000 - 2 * GatewaySettings.EchoCostMicros(), await gateway.BalanceAsync(account));
        var rows = await gateway.LogRowsAsync(account);
        Assert.All(rows, r => Assert.Equal((200, 2, "fake-b", name + "-b"), (r.Status, r.Attempts, r.Provider, r.UpstreamModel)));
    }

    [Theory]
    [InlineData("route-down", "down-b", "fake")]
    [InlineData("route-timeout", "timeout-b", "fake-b")]
    public async Task ARefusedConnection_OrATimeoutBeforeTheFirstByte_FailsOver(string model, string served, string provider)
    {
        // Longer than the provider's 2 s timeout.
        gateway.Upstream.Behave("timeout-a", _ => new FakeStep(DelayMs: 2_500));
        var account = await gateway.CreateAccountAsync();
        using var client = gateway.CreateClient(account.Key);

        using var response = await client.PostAsync("v1/chat/completions", Body(model, stream: true));
        var events = await SseData.ReadAllAsync(response);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("[DONE]", events[^1]);
        var row = Assert.Single(await gateway.LogRowsAsync(account));
        Assert.Equal((200, 2, provider, served), (row.Status, row.Attempts, row.Provider, row.UpstreamModel));
        Assert.Equal(10_000_000 - row.CostMicros, await gateway.BalanceAsync(account));
        await gateway.AssertBooksBalanceAsync(account);
    }

    [Fact]
    public async Task AnErrorAfterTheFirstChunk_DoesNotFailOver_TheStreamEndsWithAnErrorAndIsBilledForWhatCame()
    {
        gateway.Upstream.Behave("midstream-a", _ => FakeStep.FailAfterFirstChunk);
        var account = await gateway.CreateAccountAsync();
        using var client = gateway.CreateClient(account.Key);

        using var response = await client.PostAsync("v1/chat/completions", Body("route-midstream", stream: true));
        var events = await SseData.ReadAllAsync(response);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(0, gateway.Upstream.CountFor("midstream-b"));
        var parsed = events.Where(e => e != "[DONE]").Select(e => JsonNode.Parse(e)!).ToList();
        Assert.Single(parsed, c => c["choices"]?.AsArray().FirstOrDefault()?["delta"]?["role"] is not null);
        Assert.NotNull(parsed[^1]["error"]);
        Assert.Equal(FakeUpstream.Words[0], string.Concat(parsed.Select(c => c["choices"]?.AsArray().FirstOrDefault()?["delta"]?["content"]?.GetValue<string>())));
        // Billed once, for the prompt and the word that was generated.
        var row = Assert.Single(await gateway.LogRowsAsync(account));
        Assert.Equal((502, 1, "midstream-a", 1), (row.Status, row.Attempts, row.UpstreamModel, row.CompletionTokens));
        Assert.True(row.CostMicros > 0);
        Assert.Equal(10_000_000 - row.CostMicros, await gateway.BalanceAsync(account));
        await gateway.AssertBooksBalanceAsync(account);
    }

    [Fact]
    public async Task AnErrorAfterTheFirstChunk_OnMessages_SendsOneMessageStartAndNoSecondAnswer()
    {
        gateway.Upstream.Behave("midstream-messages-a", _ => FakeStep.FailAfterFirstChunk);
        var account = await gateway.CreateAccountAsync();
        using var client = gateway.CreateClient(account.Key);

        using var response = await client.PostAsync("v1/messages", new StringContent(
            """{"model":"route-midstream-messages","max_tokens":100,"stream":true,"messages":[{"role":"user","content":"Tell me something."}]}""",
            Encoding.UTF8, "application/json"));
        var text = await response.Content.ReadAsStringAsync();

        Assert.Equal(1, CountOf(text, "event: message_start"));
        Assert.Contains("event: error", text);
        Assert.Equal(0, gateway.Upstream.CountFor("midstream-messages-b"));
    }

    [Fact]
    public async Task AnUpstream400_IsTheCallersFault_AndDoesNotFailOver()
    {
        gateway.Upstream.Behave("caller-error-a", _ => FakeStep.Fail(400));
        var account = await gateway.CreateAccountAsync();
        using var client = gateway.CreateClient(account.Key);

        using var response = await client.PostAsync("v1/chat/completions", Body("route-caller-error", stream: false));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal(0, gateway.Upstream.CountFor("caller-error-b"));
        Assert.Equal(10_000_000, await gateway.BalanceAsync(account));
        await gateway.AssertBooksBalanceAsync(account);
    }

    [Fact]
    public async Task EveryChannelFailing_Is502_NothingIsCharged_AndAttemptsAreBoundedAndLogged()
    {
        gateway.Upstream.Behave("all-fail-a", _ => FakeStep.Fail(500));
        gateway.Upstream.Behave("all-fail-b", _ => FakeStep.Fail(503));
        var account = await gateway.CreateAccountAsync();
        using var client = gateway.CreateClient(account.Key);

        using var response = await client.PostAsync("v1/chat/completions", Body("route-all-fail", stream: true));

        Assert.Equal(HttpStatusCode.BadGateway, response.StatusCode);
        Assert.StartsWith("application/json", response.Content.Headers.ContentType!.ToString());
        Assert.Equal(10_000_000, await gateway.BalanceAsync(account));
        await gateway.AssertBooksBalanceAsync(account);
        var row = Assert.Single(await gateway.LogRowsAsync(account));
        Assert.Equal((502, 2, "fake-b"), (row.Status, row.Attempts, row.Provider));
    }

    [Fact]
    public async Task ADisabledChannel_IsNeverTried_EvenWhenTheOtherFails()
    {
        gateway.Upstream.Behave("disabled-first-b", _ => FakeStep.Fail(500));
        var account = await gateway.CreateAccountAsync();
        using var client = gateway.CreateClient(account.Key);

        for (var i = 0; i < 5; i++)
        {
            using var response = await client.PostAsync("v1/chat/completions", Body("route-disabled-first", stream: i % 2 == 0));
            Assert.Equal(HttpStatusCode.BadGateway, response.StatusCode);
        }

        Assert.Equal(0, gateway.Upstream.CountFor("disabled-first-a"));
        Assert.Equal(5, gateway.Upstream.CountFor("disabled-first-b"));
    }

    [Fact]
    public async Task AfterRepeatedFailures_AChannelRests_ThenOneRequestProbesIt()
    {
        gateway.Upstream.Script("cooldown-a", FakeStep.Fail(500), FakeStep.Fail(500), FakeStep.Fail(500));
        var account = await gateway.CreateAccountAsync();
        using var client = gateway.CreateClient(account.Key);

        async Task AskAsync()
        {
            using var response = await client.PostAsync("v1/chat/completions", Body("route-cooldown", stream: false));
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        }

        for (var i = 0; i < 3; i++)
            await AskAsync();
        Assert.Equal(3, gateway.Upstream.CountFor("cooldown-a"));
        // Resting: no request goes to a while b can serve.
        for (var i = 0; i < 3; i++)
            await AskAsync();
        Assert.Equal(3, gateway.Upstream.CountFor("cooldown-a"));
        Assert.Equal(6, gateway.Upstream.CountFor("cooldown-b"));

        await Task.Delay(TimeSpan.FromSeconds(RoutingFixture.CooldownSeconds + 0.3));
        await AskAsync();
        Assert.Equal(4, gateway.Upstream.CountFor("cooldown-a"));
        Assert.Equal(6, gateway.Upstream.CountFor("cooldown-b"));
        // The probe succeeded: a is back in front.
        await AskAsync();
        Assert.Equal(5, gateway.Upstream.CountFor("cooldown-a"));
    }

    [Fact]
    public async Task OneTransient429_DoesNotDisableAChannel()
    {
        gateway.Upstream.Script("one-429-a", FakeStep.Fail(429, retryAfterSeconds: 60));
        var account = await gateway.CreateAccountAsync();
        using var client = gateway.CreateClient(account.Key);

        for (var i = 0; i < 3; i++)
        {
            using var response = await client.PostAsync("v1/chat/completions", Body("route-one-429", stream: false));
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        }

        Assert.Equal(3, gateway.Upstream.CountFor("one-429-a"));
        Assert.Equal(1, gateway.Upstream.CountFor("one-429-b"));
    }

    [Fact]
    public async Task AModelsOnlyChannel_StillTakesRequestsWhileItRests_ABlipIsNotAnOutage()
    {
        gateway.Upstream.Script("lone-a", FakeStep.Fail(500), FakeStep.Fail(500), FakeStep.Fail(500));
        var account = await gateway.CreateAccountAsync();
        using var client = gateway.CreateClient(account.Key);

        for (var i = 0; i < 3; i++)
        {
            using var failed = await client.PostAsync("v1/chat/completions", Body("route-lone", stream: false));
            Assert.Equal(HttpStatusCode.BadGateway, failed.StatusCode);
        }
        using var response = await client.PostAsync("v1/chat/completions", Body("route-lone", stream: false));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(4, gateway.Upstream.CountFor("lone-a"));
    }

    [Fact]
    public async Task WhenEveryChannelRests_TheRequestStillTriesThem_SoonestBackFirst()
    {
        gateway.Upstream.Behave("all-rest-a", _ => FakeStep.Fail(500));
        gateway.Upstream.Script("all-rest-b", FakeStep.Fail(500), FakeStep.Fail(500), FakeStep.Fail(500));
        var account = await gateway.CreateAccountAsync();
        using var client = gateway.CreateClient(account.Key);
        for (var i = 0; i < 3; i++)
        {
            using var failed = await client.PostAsync("v1/chat/completions", Body("route-all-rest", stream: false));
            Assert.Equal(HttpStatusCode.BadGateway, failed.StatusCode);
        }

        using var response = await client.PostAsync("v1/chat/completions", Body("route-all-rest", stream: false));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal((4, 4), (gateway.Upstream.CountFor("all-rest-a"), gateway.Upstream.CountFor("all-rest-b")));
        var last = (await gateway.LogRowsAsync(account))[^1];
        Assert.Equal((200, 2, "all-rest-b"), (last.Status, last.Attempts, last.UpstreamModel));
    }

    [Fact]
    public async Task Weights_Split1000RequestsWithin5PercentOfTheirRatio()
    {
        var account = await gateway.CreateAccountAsync(usd: 100m);
        using var client = gateway.CreateClient(account.Key);
        gateway.Reseed(1000);

        for (var i = 0; i < 1000; i++)
        {
            using var response = await client.PostAsync("v1/chat/completions", Body("route-weights", stream: false));
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        }

        // Weights 3 and 1: shares of 75 % and 25 %, each within 5 points (50 requests) of it.
        Assert.InRange(gateway.Upstream.CountFor("weights-a"), 700, 800);
        Assert.InRange(gateway.Upstream.CountFor("weights-b"), 200, 300);
        Assert.Equal(1000, gateway.Upstream.CountFor("weights-a") + gateway.Upstream.CountFor("weights-b"));
    }

    [Fact]
    public async Task SeveralProviderKeys_AreUsedInTurn_AndOneRefusedIsTakenOutAndShown()
    {
        gateway.Upstream.Behave("keys-a", _ => null);
        var account = await gateway.CreateAccountAsync();
        using var client = gateway.CreateClient(account.Key);

        for (var i = 0; i < 3; i++)
        {
            using var response = await client.PostAsync("v1/chat/completions", Body("route-keys", stream: false));
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        }
        var used = gateway.Upstream.Received.Where(r => r.Model == "keys-a").Select(r => r.Authorization).ToList();
        Assert.Equal(RoutingFixture.ProviderKeys.Select(k => "Bearer " + k).Order(), used.Order());

        // The second key is revoked upstream: its request goes again with another key, and it is not used after.
        gateway.Upstream.RefuseKey("sk-key-two");
        for (var i = 0; i < 6; i++)
        {
            using var response = await client.PostAsync("v1/chat/completions", Body("route-keys", stream: i % 2 == 0));
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        }
        var after = gateway.Upstream.Received.Where(r => r.Model == "keys-a").Skip(3).Select(r => r.Authorization).ToList();
        Assert.Equal(1, after.Count(a => a == "Bearer sk-key-two"));
        Assert.Equal(7, after.Count);
        Assert.Equal(10_000_000 - 9 * GatewaySettings.EchoCostMicros(), await gateway.BalanceAsync(account));

        var provider = (await gateway.ProviderIdAsync("fake-keys"));
        var refused = Assert.Single(gateway.Health.Keys(provider).RefusedAmong(RoutingFixture.ProviderKeys));
        Assert.Equal(("…-two", 401), (refused.Hint, refused.Status));
    }

    private static int CountOf(string text, string part)
    {
        var count = 0;
        for (var at = text.IndexOf(part, StringComparison.Ordinal); at >= 0; at = text.IndexOf(part, at + part.Length, StringComparison.Ordinal))
            count++;
        return count;
    }
}
