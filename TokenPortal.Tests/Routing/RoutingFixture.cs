using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using TokenPortal.Core.Routing;
using TokenPortal.Tests.Infrastructure;

namespace TokenPortal.Tests.Routing;

/// <summary>
/// A gateway whose models have several channels on the fake upstream: <c>fake</c> and <c>fake-b</c> are two providers
/// (two accounts, say) at the same fake, <c>fake-keys</c> has three keys. Each test uses models of its own, so the
/// channels' health never carries from one test to another. Channels choose with a seeded random, so weights split
/// the same way on every run.
/// </summary>
public sealed class RoutingFixture : GatewayFixture
{
    public const int CooldownSeconds = 2;

    public static readonly string[] ProviderKeys = ["sk-key-one", "sk-key-two", "sk-key-three"];

    private Random _random = new(20261204);

    protected override void Configure(Dictionary<string, string?> settings)
    {
        AddProvider(settings, 10, "fake-b", "sk-upstream-b");
        AddProvider(settings, 11, "fake-keys", null);
        // A provider nobody listens for: every connection is refused.
        AddProvider(settings, 12, "fake-down", null);
        settings["TokenPortal:Providers:12:BaseUrl"] = $"http://127.0.0.1:{ClosedPort()}/v1/";
        for (var i = 0; i < ProviderKeys.Length; i++)
            settings[$"TokenPortal:Providers:11:ApiKeys:{i}"] = ProviderKeys[i];
        settings["TokenPortal:Routing:CooldownSeconds"] = CooldownSeconds.ToString();

        var index = 100;
        // A model served by channel a (tried first) and channel b; each test has its own.
        foreach (var name in new[] { "failover", "stream", "whole", "midstream", "midstream-messages", "caller-error", "cooldown", "one-429", "disabled", "all-fail", "all-rest", "timeout" })
            AddModel(settings, index++, $"route-{name}", ($"fake", $"{name}-a", 1, 0, true), ("fake-b", $"{name}-b", 1, 1, true));
        AddModel(settings, index++, "route-weights", ("fake", "weights-a", 3, 0, true), ("fake-b", "weights-b", 1, 0, true));
        AddModel(settings, index++, "route-disabled-first", ("fake", "disabled-first-a", 1, 0, false), ("fake-b", "disabled-first-b", 1, 1, true));
        AddModel(settings, index++, "route-down", ("fake-down", "down-a", 1, 0, true), ("fake", "down-b", 1, 1, true));
        AddModel(settings, index++, "route-keys", ("fake-keys", "keys-a", 1, 0, true));
        AddModel(settings, index++, "route-lone", ("fake", "lone-a", 1, 0, true));
        // Fallback models at two prices: the reservation must cover the dearer, the charge is the one that served.
        AddModel(settings, index++, "fallback-broken", ("fake", "fallback-broken", 1, 0, true));
        AddModel(settings, index++, "fallback-dear", ("fake", "fallback-dear", 1, 0, true));
        settings[$"TokenPortal:Models:{index - 1}:OutputPerMillionUsd"] = "80";
        AddModel(settings, index++, "fallback-cheap", ("fake", "fallback-cheap", 1, 0, true));
    }

    /// <summary>The model <c>fallback-broken</c> always fails.</summary>
    protected override Task AfterStartAsync()
    {
        Upstream.Behave("fallback-broken", _ => FakeStep.Fail(500));
        return Task.CompletedTask;
    }

    protected override void ConfigureServices(IServiceCollection services) =>
        services.AddSingleton(new ChannelRouter(() =>
        {
            lock (this)
                return _random.NextDouble();
        }));

    public RoutingHealth Health => Factory.Services.GetRequiredService<RoutingHealth>();

    /// <summary>Starts the channels' random choices afresh, so a test's split does not depend on the tests before it.</summary>
    public void Reseed(int seed)
    {
        lock (this)
            _random = new Random(seed);
    }

    public async Task<long> ProviderIdAsync(string name)
    {
        await using var db = await DbAsync();
        return await db.Providers.Where(p => p.Name == name).Select(p => p.Id).SingleAsync();
    }

    private static int ClosedPort()
    {
        var listener = new System.Net.Sockets.TcpListener(System.Net.IPAddress.Loopback, 0);
        listener.Start();
        var port = ((System.Net.IPEndPoint)listener.LocalEndpoint).Port;
        listener.Stop();
        return port;
    }

    private void AddProvider(Dictionary<string, string?> settings, int index, string name, string? apiKey)
    {
        settings[$"TokenPortal:Providers:{index}:Name"] = name;
        settings[$"TokenPortal:Providers:{index}:Kind"] = "OpenAICompatible";
        settings[$"TokenPortal:Providers:{index}:BaseUrl"] = Upstream.BaseUrl.ToString();
        settings[$"TokenPortal:Providers:{index}:ApiKey"] = apiKey;
        settings[$"TokenPortal:Providers:{index}:TimeoutSeconds"] = "2";
    }

    private static void AddModel(Dictionary<string, string?> settings, int index, string id,
        params (string Provider, string UpstreamModel, int Weight, int Priority, bool Enabled)[] channels)
    {
        GatewaySettings.AddFakeModel(settings, index, id, "unused");
        settings.Remove($"TokenPortal:Models:{index}:Provider");
        settings.Remove($"TokenPortal:Models:{index}:UpstreamModel");
        for (var i = 0; i < channels.Length; i++)
        {
            var prefix = $"TokenPortal:Models:{index}:Channels:{i}:";
            settings[prefix + "Provider"] = channels[i].Provider;
            settings[prefix + "UpstreamModel"] = channels[i].UpstreamModel;
            settings[prefix + "Weight"] = channels[i].Weight.ToString();
            settings[prefix + "Priority"] = channels[i].Priority.ToString();
            settings[prefix + "Enabled"] = channels[i].Enabled ? "true" : "false";
        }
    }
}
