using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using TokenPortal.Tests.Infrastructure;

namespace TokenPortal.Tests.Operations;

/// <summary>
/// A gateway as an operator watching it runs one: metrics on (with a scrape token), traces pushed by OTLP to a fake
/// collector, every log entry captured with its scopes. Its models are its own, so other hosts' traffic in this
/// process (OpenTelemetry listens to meters by name) never shows in their series.
/// </summary>
public sealed class TelemetryFixture : GatewayFixture
{
    public const string Echo = "metrics-echo";
    public const string Broken = "metrics-broken";
    public const string ScrapeToken = "scrape-secret-5b1e";
    public const string ServiceName = "gateway-eu-2";

    /// <summary>The test classes on this fixture run one after the other: their hosts serve the same model names, and each host's metrics hear the other's meters.</summary>
    public const string Collection = "Telemetry";

    public FakeOtlpCollector Collector { get; private set; } = null!;

    public CapturedLogs Logs { get; } = new();

    protected override async Task BeforeStartAsync() => Collector = await FakeOtlpCollector.StartAsync();

    protected override void Configure(Dictionary<string, string?> settings)
    {
        GatewaySettings.AddFakeModel(settings, 97, Echo, "fake-echo");
        GatewaySettings.AddFakeModel(settings, 98, Broken, "fake-500");
        settings["TokenPortal:Operations:MetricsToken"] = ScrapeToken;
        // The variables an operator sets; the exporter reads them from configuration, so the test needs no process environment.
        settings["OTEL_EXPORTER_OTLP_ENDPOINT"] = Collector.Endpoint.ToString();
        settings["OTEL_EXPORTER_OTLP_PROTOCOL"] = "http/protobuf";
        settings["OTEL_BSP_SCHEDULE_DELAY"] = "200";
        settings["OTEL_SERVICE_NAME"] = ServiceName;
    }

    protected override void ConfigureServices(IServiceCollection services) => services.AddSingleton<ILoggerProvider>(Logs);

    public override async Task DisposeAsync()
    {
        await base.DisposeAsync();
        await Collector.DisposeAsync();
    }
}
