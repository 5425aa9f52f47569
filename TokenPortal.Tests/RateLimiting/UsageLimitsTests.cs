using System.Diagnostics;
using System.Net;
using System.Text;
using System.Text.Json.Nodes;
using Microsoft.EntityFrameworkCore;
using TokenPortal.Core.Billing;
using TokenPortal.Core.Keys;

namespace TokenPortal.Tests.RateLimiting;

/// <summary>The shipped defaults (10 in flight per user, 60 RPM per key) and a provider paced at 120 RPM.</summary>
public sealed class LimitsFixture : GatewayFixture
{
    protected override void Configure(Dictionary<string, string?> settings)
    {
        settings.Remove("TokenPortal:Defaults:UserMaxConcurrent");
        settings.Remove("TokenPortal:Defaults:KeyRpm");
        settings.Remove("TokenPortal:Defaults:MaxKeyRpm");
        settings["TokenPortal:GlobalLimits:UpstreamMaxWaitMilliseconds"] = "700";
        settings["TokenPortal:Providers:2:Name"] = "paced";
        settings["TokenPortal:Providers:2:Kind"] = "OpenAICompatible";
        settings["TokenPortal:Providers:2:BaseUrl"] = settings["TokenPortal:Providers:0:BaseUrl"];
        settings["TokenPortal:Providers:2:UpstreamRpm"] = "120";
        settings["TokenPortal:Models:90:Id"] = "paced-model";
        settings["TokenPortal:Models:90:Provider"] = "paced";
        settings["TokenPortal:Models:90:UpstreamModel"] = "fake-echo";
        settings["TokenPortal:Models:90:InputPerMillionUsd"] = "2";
        settings["TokenPortal:Models:90:OutputPerMillionUsd"] = "8";
    }
}

public sealed class UsageLimitsTests(LimitsFixture gateway) : IClassFixture<LimitsFixture>
{
    private static StringContent Chat(string model = "gpt-test", int? maxTokens = null, bool stream = false, string user = "") => new(
        $$"""{"model":"{{model}}",{{(maxTokens is { } m ? $"\"max_tokens\":{m}," : "")}}"stream":{{(stream ? "true" : "false")}},"user":"{{user}}","messages":[{"role":"user","content":"hi"}]}""",
        Encoding.UTF8, "application/json");

    private static async Task<JsonNode> ErrorAsync(HttpResponseMessage response) =>
        JsonNode.Parse(await response.Content.ReadAsStringAsync())!["error"]!;

    [Fact]
    public async Task TwentyParallelStreams_AgainstTheDefaultCapOfTen_AdmitExactlyTen()
    {
        var account = await gateway.CreateAccountAsync(usd: 10m);
        using var client = gateway.CreateClient(account.Key);
        using var start = new SemaphoreSlim(0);
        var forwardedBefore = gateway.Upstream.CountFor("fake-slow");

        var requests = Enumerable.Range(0, 20).Select(async _ =>
        {
            await start.WaitAsync();
            using var response = await client.PostAsync("v1/chat/completions", Chat("slow", stream: true));
            var body = await response.Content.ReadAsStringAsync();
            return (response.StatusCode, response.Headers.RetryAfter?.Delta, body);
        }).ToList();
        start.Release(20);
        var results = await Task.WhenAll(requests);

        Assert.Equal(10, results.Count(r => r.StatusCode == HttpStatusCode.OK && r.body.Contains("[DONE]")));
        var refused = results.Where(r => r.StatusCode == HttpStatusCode.TooManyRequests).ToList();
        Assert.Equal(10, refused.Count);
        Assert.All(refused, r => Assert.True(r.Delta >= TimeSpan.FromSeconds(1)));
        Assert.All(refused, r => Assert.Contains("in flight", r.body));
        Assert.Equal(10, gateway.Upstream.PeakInFlight);
        Assert.Equal(forwardedBefore + 10, gateway.Upstream.CountFor("fake-slow"));
        Assert.Equal(10_000_000 - 10 * GatewaySettings.EchoCostMicros(20), await gateway.BalanceAsync(account));
    }

    [Fact]
    public async Task KeyRpm_RefusesPastTheLimitAndRetryAfterIsEnough()
    {
        var account = await gateway.CreateAccountAsync(usd: 10m, spec: new ApiKeySpec("rpm", Rpm: 60));
        using var client = gateway.CreateClient(account.Key);
        HttpResponseMessage? refused = null;
        var first = true;
        for (var i = 0; i < 80 && refused is null; i++)
        {
            var response = await client.PostAsync("v1/chat/completions", Chat());
            if (first)
            {
                Assert.Equal("60", response.Headers.GetValues("x-ratelimit-limit-requests").Single());
                Assert.Equal("59", response.Headers.GetValues("x-ratelimit-remaining-requests").Single());
                Assert.EndsWith("s", response.Headers.GetValues("x-ratelimit-reset-requests").Single());
                first = false;
            }
            if (response.StatusCode == HttpStatusCode.TooManyRequests)
                refused = response;
            else
                response.Dispose();
        }

        Assert.NotNull(refused);
        var error = await ErrorAsync(refused);
        Assert.Equal("rate_limit_error", error["type"]!.GetValue<string>());
        Assert.Equal("rate_limit_exceeded", error["code"]!.GetValue<string>());
        Assert.Equal("0", refused.Headers.GetValues("x-ratelimit-remaining-requests").Single());
        var wait = refused.Headers.RetryAfter!.Delta!.Value;
        Assert.InRange(wait, TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(2));
        refused.Dispose();

        await Task.Delay(wait);
        using var retried = await client.PostAsync("v1/chat/completions", Chat());
        Assert.Equal(HttpStatusCode.OK, retried.StatusCode);
        await gateway.AssertBooksBalanceAsync(account);
    }

    [Fact]
    public async Task KeyTpm_CountsTheWorstCaseThenCorrectsToActualTokens()
    {
        // 1,000 tokens per minute; each request may use about 512 (prompt + max_tokens) but uses 49.
        var account = await gateway.CreateAccountAsync(usd: 10m, spec: new ApiKeySpec("tpm", Tpm: 1_000));
        using var client = gateway.CreateClient(account.Key);

        using var a = await client.PostAsync("v1/chat/completions", Chat(maxTokens: 500));
        var afterA = long.Parse(a.Headers.GetValues("x-ratelimit-remaining-tokens").Single());
        using var b = await client.PostAsync("v1/chat/completions", Chat(maxTokens: 500));
        using var c = await client.PostAsync("v1/chat/completions", Chat(maxTokens: 500));
        using var oversize = await client.PostAsync("v1/chat/completions", Chat(maxTokens: 2_000));

        Assert.Equal(HttpStatusCode.OK, a.StatusCode);
        Assert.InRange(afterA, 480, 490);
        Assert.Equal("1000", a.Headers.GetValues("x-ratelimit-limit-tokens").Single());
        // Without the correction to 49 tokens, b would not fit in what a left.
        Assert.Equal(HttpStatusCode.OK, b.StatusCode);
        Assert.Equal(HttpStatusCode.OK, c.StatusCode);
        Assert.Equal(HttpStatusCode.TooManyRequests, oversize.StatusCode);
        Assert.Null(oversize.Headers.RetryAfter);
        Assert.Contains("max_tokens", (await ErrorAsync(oversize))["message"]!.GetValue<string>());
    }

    [Fact]
    public async Task ModelOutsideAllowlist_Returns403AndIsNeverForwarded()
    {
        var account = await gateway.CreateAccountAsync(usd: 1m, spec: new ApiKeySpec("narrow", AllowedModels: ["paced-model"]));
        using var client = gateway.CreateClient(account.Key);
        var before = gateway.Upstream.CountFor("fake-echo");

        using var response = await client.PostAsync("v1/chat/completions", Chat("gpt-test"));

        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
        var error = await ErrorAsync(response);
        Assert.Equal("permission_error", error["type"]!.GetValue<string>());
        Assert.Equal("model_not_allowed", error["code"]!.GetValue<string>());
        Assert.Equal(before, gateway.Upstream.CountFor("fake-echo"));
        Assert.Equal(1_000_000, await gateway.BalanceAsync(account));
    }

    [Fact]
    public async Task RequestWhoseSmallestCostExceedsTheCap_Returns403SayingSo()
    {
        var account = await gateway.CreateAccountAsync(usd: 1m, spec: new ApiKeySpec("capped", MaxMicrosPerRequest: 1));
        using var client = gateway.CreateClient(account.Key);

        using var response = await client.PostAsync("v1/chat/completions", Chat());

        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
        var error = await ErrorAsync(response);
        Assert.Equal("request_cap_exceeded", error["code"]!.GetValue<string>());
        Assert.Contains("per request", error["message"]!.GetValue<string>());
        Assert.Equal(1_000_000, await gateway.BalanceAsync(account));
    }

    [Fact]
    public async Task PerRequestCap_LowersMaxTokensAndHoldsEvenWhenTheUpstreamOverruns()
    {
        var account = await gateway.CreateAccountAsync(usd: 1m, spec: new ApiKeySpec("capped", MaxMicrosPerRequest: 500));
        using var client = gateway.CreateClient(account.Key);

        using var normal = await client.PostAsync("v1/chat/completions", Chat(maxTokens: 1_000, user: "capped-normal"));
        using var overrun = await client.PostAsync("v1/chat/completions", Chat("overrun", maxTokens: 1_000));

        Assert.Equal(HttpStatusCode.OK, normal.StatusCode);
        var bound = gateway.Upstream.Received.Last(r => r.Body["user"]?.GetValue<string>() == "capped-normal").Body["max_tokens"]!.GetValue<int>();
        Assert.InRange(bound, 16, 62); // (500 - ~12 prompt x 2) / 8 per token
        Assert.Equal(HttpStatusCode.OK, overrun.StatusCode);
        var overrunCost = JsonNode.Parse(await overrun.Content.ReadAsStringAsync())!["usage"]!["cost"]!.GetValue<decimal>();
        Assert.True(overrunCost <= 0.0005m, $"charged {overrunCost} USD against a 0.0005 USD cap");
        await using var db = await gateway.DbAsync();
        // The overrun's cost is recorded in full; what the cap does not let it charge is written off, not taken.
        var charges = await db.Ledger.Where(e => e.UserId == account.UserId && (e.Kind == Core.Data.Entities.LedgerEntryKind.Settle || e.Kind == Core.Data.Entities.LedgerEntryKind.WriteOff))
            .GroupBy(e => e.RequestId).Select(g => -g.Sum(e => e.AmountMicros)).ToListAsync();
        Assert.All(charges, charged => Assert.InRange(charged, 1, 500));
        Assert.Equal(0.0005m, overrunCost);
    }

    [Fact]
    public async Task KeyBudgetSpent_Returns402AndForwardsNothing()
    {
        // Each request costs 125 and needs a reservation of about 190 (prompt estimate with headroom + 7 output tokens):
        // a budget of 400 lets two through and leaves 150, too little for a third.
        var cost = GatewaySettings.EchoCostMicros();
        var account = await gateway.CreateAccountAsync(usd: 1m, spec: new ApiKeySpec("budget", BudgetMicros: 2 * cost + 150));
        using var client = gateway.CreateClient(account.Key);
        var body = $$"""{"model":"gpt-test","max_tokens":7,"messages":[{"role":"user","content":"{{string.Join(' ', Enumerable.Repeat("budget words", 20))}}"}]}""";

        var statuses = new List<HttpStatusCode>();
        for (var i = 0; i < 3; i++)
        {
            using var response = await client.PostAsync("v1/chat/completions", new StringContent(body, Encoding.UTF8, "application/json"));
            statuses.Add(response.StatusCode);
            if (i == 2)
                Assert.Contains("budget", (await ErrorAsync(response))["message"]!.GetValue<string>());
        }

        Assert.Equal([HttpStatusCode.OK, HttpStatusCode.OK, HttpStatusCode.PaymentRequired], statuses);
        Assert.Equal(1_000_000 - 2 * cost, await gateway.BalanceAsync(account));
    }

    [Fact]
    public async Task UserOverrides_ApplyToKeysWithoutTheirOwnLimits()
    {
        var account = await gateway.CreateAccountAsync(usd: 1m);
        await using (var db = await gateway.DbAsync())
        {
            await db.Users.Where(u => u.Id == account.UserId).ExecuteUpdateAsync(s => s
                .SetProperty(u => u.DefaultKeyRpm, 7)
                .SetProperty(u => u.MaxConcurrent, 2));
        }
        using var client = gateway.CreateClient(account.Key);

        using var first = await client.PostAsync("v1/chat/completions", Chat());
        var streams = await Task.WhenAll(Enumerable.Range(0, 4).Select(async _ =>
        {
            using var response = await client.PostAsync("v1/chat/completions", Chat("slow", stream: true));
            await response.Content.ReadAsStringAsync();
            return response.StatusCode;
        }));

        Assert.Equal("7", first.Headers.GetValues("x-ratelimit-limit-requests").Single());
        Assert.Equal(2, streams.Count(s => s == HttpStatusCode.OK));
        Assert.Equal(2, streams.Count(s => s == HttpStatusCode.TooManyRequests));
    }

    [Fact]
    public async Task ProviderUpstreamRpm_QueuesBrieflyThenRefuses()
    {
        var account = await gateway.CreateAccountAsync(usd: 1m);
        using var client = gateway.CreateClient(account.Key);
        using var start = new SemaphoreSlim(0);
        var before = gateway.Upstream.CountFor("fake-echo");

        var requests = Enumerable.Range(0, 4).Select(async _ =>
        {
            await start.WaitAsync();
            var clock = Stopwatch.StartNew();
            using var response = await client.PostAsync("v1/chat/completions", Chat("paced-model"));
            return (response.StatusCode, clock.Elapsed, response.Headers.RetryAfter?.Delta);
        }).ToList();
        start.Release(4);
        var results = await Task.WhenAll(requests);

        // Paced at one per 500 ms with at most 700 ms of waiting: two go (one after a wait), two are refused.
        var ok = results.Where(r => r.StatusCode == HttpStatusCode.OK).OrderBy(r => r.Elapsed).ToList();
        Assert.Equal(2, ok.Count);
        Assert.True(ok[1].Elapsed >= TimeSpan.FromMilliseconds(400), $"the second request went after {ok[1].Elapsed.TotalMilliseconds} ms");
        var refused = results.Where(r => r.StatusCode == HttpStatusCode.TooManyRequests).ToList();
        Assert.Equal(2, refused.Count);
        Assert.All(refused, r => Assert.True(r.Delta >= TimeSpan.FromSeconds(1)));
        Assert.Equal(before + 2, gateway.Upstream.CountFor("fake-echo"));
        await gateway.AssertBooksBalanceAsync(account);
    }
}
