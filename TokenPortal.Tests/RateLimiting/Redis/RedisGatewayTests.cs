using System.Net;
using System.Text;
using System.Text.Json.Nodes;
using Microsoft.Extensions.DependencyInjection;
using TokenPortal.Core.Keys;
using TokenPortal.Core.RateLimiting;
using TokenPortal.Core.RateLimiting.Redis;

namespace TokenPortal.Tests.RateLimiting.Redis;

/// <summary>A gateway whose limits live in its own redis-server, which the tests may stop and start again.</summary>
public class RedisGatewayFixture : GatewayFixture
{
    public RedisServer Redis { get; private set; } = null!;

    protected virtual string WhenDown => "Refuse";

    protected override async Task BeforeStartAsync() => Redis = await RedisServer.StartAsync();

    protected override void Configure(Dictionary<string, string?> settings)
    {
        settings["TokenPortal:Redis:Configuration"] = Redis.Configuration;
        settings["TokenPortal:Redis:WhenDown"] = WhenDown;
    }

    public override async Task DisposeAsync()
    {
        await base.DisposeAsync();
        await Redis.DisposeAsync();
    }

    /// <summary>
    /// Waits until the gateway's own limiters count in Redis again: a ping can answer while their scripts still fail
    /// (under a loaded CI run both tests of this class once failed right after a ping succeeded).
    /// </summary>
    private async Task WaitUntilTheLimitersCountAgainAsync()
    {
        var rates = Factory.Services.GetRequiredService<IRateLimiter>();
        var slots = Factory.Services.GetRequiredService<IConcurrencyLimiter>();
        var probe = "probe:" + Guid.NewGuid().ToString("N");
        Exception? last = null;
        for (var i = 0; i < 600; i++)
        {
            try
            {
                await rates.AcquireAsync(probe, RateLimit.PerMinute(1_000_000), 1);
                if (await slots.TryEnterAsync(probe, 1))
                    await slots.ExitAsync(probe);
                return;
            }
            catch (LimitsUnavailableException ex)
            {
                last = ex;
                await Task.Delay(50);
            }
        }
        throw new TimeoutException($"The gateway's limiters did not count in Redis again within 30 seconds: {last?.InnerException}");
    }

    /// <summary>Stops Redis, runs <paramref name="during"/>, starts it again and waits until the gateway is reconnected.</summary>
    public async Task DuringAnOutageAsync(Func<Task> during)
    {
        var connection = Factory.Services.GetRequiredService<RedisConnection>();
        await Redis.StopAsync();
        try
        {
            for (var i = 0; i < 100 && connection.IsConnected; i++)
                await Task.Delay(50);
            await during();
        }
        finally
        {
            await Redis.StartAgainAsync();
            await WaitUntilTheLimitersCountAgainAsync();
        }
    }
}

public sealed class PerInstanceRedisGatewayFixture : RedisGatewayFixture
{
    protected override string WhenDown => "PerInstance";
}

/// <summary>The gateway on Redis: limits enforced there; while Redis is away it refuses with 503 (never serves unlimited), and says so.</summary>
public sealed class RedisGatewayTests(RedisGatewayFixture gateway) : IClassFixture<RedisGatewayFixture>
{
    internal static StringContent Chat() => new("""{"model":"gpt-test","messages":[{"role":"user","content":"hi"}]}""", Encoding.UTF8, "application/json");

    [Fact]
    public async Task KeyRpm_IsCountedInRedis()
    {
        var account = await gateway.CreateAccountAsync(usd: 1m, spec: new ApiKeySpec("two a minute", Rpm: 2));
        using var client = gateway.CreateClient(account.Key);

        var answers = new List<string>();
        for (var i = 0; i < 3; i++)
        {
            using var response = await client.PostAsync("v1/chat/completions", Chat());
            // The status and, for a refusal, its error code: a 503 from a Redis timeout reads differently from a 429.
            answers.Add(response.IsSuccessStatusCode ? "200" : $"{(int)response.StatusCode} {JsonNode.Parse(await response.Content.ReadAsStringAsync())?["error"]?["code"]}");
        }

        Assert.Equal(["200", "200", "429 rate_limit_exceeded"], answers);
    }

    [Fact]
    public async Task WhileRedisIsAway_RequestsAre503RateLimitUnavailable_NothingCharged_AndReadyzSaysSo_ThenServedAgain()
    {
        var account = await gateway.CreateAccountAsync(usd: 1m);
        using var client = gateway.CreateClient(account.Key);

        await gateway.DuringAnOutageAsync(async () =>
        {
            using var refused = await client.PostAsync("v1/chat/completions", Chat());
            Assert.Equal(HttpStatusCode.ServiceUnavailable, refused.StatusCode);
            Assert.Equal("rate_limit_unavailable", (string?)JsonNode.Parse(await refused.Content.ReadAsStringAsync())!["error"]!["code"]);
            using var ready = await client.GetAsync("readyz");
            Assert.Equal(HttpStatusCode.ServiceUnavailable, ready.StatusCode);
            Assert.Contains("redis: unavailable", await ready.Content.ReadAsStringAsync());
        });

        Assert.Equal(1_000_000, await gateway.BalanceAsync(account));
        Assert.Equal(HttpStatusCode.OK, (await client.PostAsync("v1/chat/completions", Chat())).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("readyz")).StatusCode);
    }
}

/// <summary><c>Redis:WhenDown=PerInstance</c>: the gateway keeps serving on its own limits, and says so.</summary>
public sealed class PerInstanceRedisGatewayTests(PerInstanceRedisGatewayFixture gateway) : IClassFixture<PerInstanceRedisGatewayFixture>
{
    [Fact]
    public async Task WhileRedisIsAway_RequestsAreServedOnPerInstanceLimits_AndReadyzSaysSo()
    {
        var account = await gateway.CreateAccountAsync(usd: 1m, spec: new ApiKeySpec("two a minute", Rpm: 2));
        using var client = gateway.CreateClient(account.Key);

        await gateway.DuringAnOutageAsync(async () =>
        {
            var statuses = new List<HttpStatusCode>();
            for (var i = 0; i < 3; i++)
                statuses.Add((await client.PostAsync("v1/chat/completions", RedisGatewayTests.Chat())).StatusCode);
            // Still limited: by this instance alone.
            Assert.Equal([HttpStatusCode.OK, HttpStatusCode.OK, HttpStatusCode.TooManyRequests], statuses);
            using var ready = await client.GetAsync("readyz");
            Assert.Equal(HttpStatusCode.OK, ready.StatusCode);
            Assert.Contains("per-instance limits", await ready.Content.ReadAsStringAsync());
        });
        await gateway.AssertBooksBalanceAsync(account);
    }
}
