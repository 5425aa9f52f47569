using System.Security.Cryptography;
using System.Text;
using Microsoft.Extensions.Options;
using OpenTelemetry.Metrics;
using OpenTelemetry.Resources;
using OpenTelemetry.Trace;
using TokenPortal.Core.Configuration;
using TokenPortal.Core.Telemetry;

namespace TokenPortal.Web.Operations;

/// <summary>
/// OpenTelemetry for the operator: metrics (the gateway's, ASP.NET Core's, HttpClient's and the runtime's) scraped at
/// <c>/metrics</c>, and, when <c>OTEL_EXPORTER_OTLP_ENDPOINT</c> is set, traces and metrics pushed by OTLP (the
/// exporter reads the standard <c>OTEL_*</c> variables itself: protocol, headers, service name).
/// </summary>
internal static class TelemetryHostingExtensions
{
    private const string MetricsPath = "/metrics";

    /// <summary>
    /// Library instruments recorded several times per request that an operator learns as much from elsewhere (requests
    /// in flight from the request counters, a pool's rents from GC metrics). Dropped, they are never even enabled:
    /// the benchmark's throughput with metrics on went from 6-10% below metrics off to within 5% (README, Watch it).
    /// </summary>
    private static readonly string[] Unrecorded =
    [
        "aspnetcore.memory_pool.rented", "aspnetcore.memory_pool.allocated", "aspnetcore.memory_pool.evicted", "aspnetcore.memory_pool.pooled",
        "aspnetcore.routing.match_attempts", "http.server.active_requests", "http.client.active_requests", "http.client.request.time_in_queue",
    ];

    public static WebApplicationBuilder AddTelemetry(this WebApplicationBuilder builder)
    {
        var operations = builder.Configuration.GetSection($"{TokenPortalOptions.SectionName}:Operations").Get<OperationsOptions>() ?? new();
        var otlp = !string.IsNullOrWhiteSpace(builder.Configuration["OTEL_EXPORTER_OTLP_ENDPOINT"]);
        if (!operations.MetricsEnabled && !otlp)
            return builder;

        // Named in code only when the operator has not: a name set in code would override OTEL_SERVICE_NAME.
        var named = !string.IsNullOrWhiteSpace(builder.Configuration["OTEL_SERVICE_NAME"]);
        var telemetry = builder.Services.AddOpenTelemetry().ConfigureResource(resource =>
        {
            if (!named)
                resource.AddService("tokenportal");
        });
        if (operations.MetricsEnabled)
        {
            telemetry.WithMetrics(metrics =>
            {
                metrics.AddMeter(TokenPortalMetrics.MeterName)
                    .AddAspNetCoreInstrumentation()
                    .AddHttpClientInstrumentation()
                    .AddRuntimeInstrumentation()
                    // A scrape answers what is true now, not what was true up to 300 ms ago (the exporter's default).
                    .AddPrometheusExporter(prometheus => prometheus.ScrapeResponseCacheDurationMilliseconds = 0);
                foreach (var instrument in Unrecorded)
                    metrics.AddView(instrument, MetricStreamConfiguration.Drop);
                if (otlp)
                    metrics.AddOtlpExporter();
            });
        }
        if (otlp)
        {
            telemetry.WithTracing(tracing => tracing
                .AddSource(TokenPortalTracing.SourceName)
                .AddAspNetCoreInstrumentation()
                .AddHttpClientInstrumentation()
                .AddOtlpExporter());
        }
        return builder;
    }

    /// <summary><c>/metrics</c> for loopback callers and holders of <c>Operations:MetricsToken</c>; 404 for everyone else, and when metrics are off.</summary>
    public static IEndpointRouteBuilder MapMetrics(this IEndpointRouteBuilder app)
    {
        var operations = app.ServiceProvider.GetRequiredService<IOptionsMonitor<TokenPortalOptions>>();
        if (!operations.CurrentValue.Operations.MetricsEnabled)
            return app;
        app.MapPrometheusScrapingEndpoint(MetricsPath, meterProvider: null, configureBranchedPipeline: branch => branch.Use((context, next) =>
        {
            if (MayScrape(context, operations.CurrentValue.Operations.MetricsToken))
                return next(context);
            context.Response.StatusCode = StatusCodes.Status404NotFound;
            return Task.CompletedTask;
        }), optionsName: null);
        return app;
    }

    /// <summary>Loopback (after forwarded headers, so a proxied outsider is not), or the bearer token compared in constant time.</summary>
    internal static bool MayScrape(HttpContext context, string? token)
    {
        if (context.Connection.RemoteIpAddress is { } address && System.Net.IPAddress.IsLoopback(address))
            return true;
        if (string.IsNullOrEmpty(token))
            return false;
        var header = context.Request.Headers.Authorization.ToString();
        const string Bearer = "Bearer ";
        return header.StartsWith(Bearer, StringComparison.OrdinalIgnoreCase)
            && CryptographicOperations.FixedTimeEquals(Encoding.UTF8.GetBytes(header[Bearer.Length..].Trim()), Encoding.UTF8.GetBytes(token));
    }
}
