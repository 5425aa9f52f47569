using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.Options;
using TokenPortal.Core;
using TokenPortal.Core.Configuration;
using TokenPortal.Web.Billing;
using TokenPortal.Web.Gateway;
using TokenPortal.Web.Operations;

namespace TokenPortal.Web.Extensions;

internal static class TokenPortalHostingExtensions
{
    public static WebApplicationBuilder AddTokenPortal(this WebApplicationBuilder builder)
    {
        builder.Services.AddTokenPortalCore(builder.Configuration, AppContext.BaseDirectory);
        // A build run as it is (not published) finds its CSS and scripts through the static web assets manifest beside the
        // binary, in any environment; a published one has no manifest and serves its own wwwroot.
        builder.WebHost.UseStaticWebAssets();
        builder.Services.AddTokenPortalGateway();
        builder.Services.AddOperations();
        builder.AddTelemetry();
        builder.AddPortal();
        builder.Services.ConfigureHttpJsonOptions(json => json.SerializerOptions.TypeInfoResolverChain.Insert(0, GatewayJsonContext.Default));
        builder.Services.AddOptions<KestrelServerOptions>().Configure<IOptions<TokenPortalOptions>>(ApplyConnectionLimits);
        // Let in-flight streams finish and their bills settle before the process exits.
        builder.Services.Configure<HostOptions>(host => host.ShutdownTimeout = TimeSpan.FromSeconds(30));
        return builder;
    }

    /// <summary>What one client's connections can hold of the server: their number and how slowly a body may arrive.</summary>
    private static void ApplyConnectionLimits(KestrelServerOptions kestrel, IOptions<TokenPortalOptions> options)
    {
        var server = options.Value.Server;
        kestrel.Limits.MaxConcurrentConnections = server.MaxConcurrentConnections;
        kestrel.Limits.MinRequestBodyDataRate = new MinDataRate(server.MinRequestBodyBytesPerSecond, TimeSpan.FromSeconds(5));
    }

    public static WebApplication MapTokenPortal(this WebApplication app)
    {
        app.UseProxySupport();
        app.MapGatewayApi("/v1");
        app.MapGatewayApi("/api/v1");
        app.MapOperations();
        app.MapMetrics();
        app.MapStripeWebhook();
        app.MapPortal();
        return app;
    }
}
