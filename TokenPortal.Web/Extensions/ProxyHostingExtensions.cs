using System.Net;
using Microsoft.AspNetCore.HttpOverrides;
using Microsoft.Extensions.Options;
using TokenPortal.Core.Configuration;

namespace TokenPortal.Web.Extensions;

/// <summary>
/// Running behind a reverse proxy: the client's address and scheme from trusted proxies only, the public base URL as
/// every request's scheme and host (so OAuth callbacks and cookies match what the browser sees), and HSTS over https.
/// </summary>
internal static class ProxyHostingExtensions
{
    public static IServiceCollection AddProxySupport(this IServiceCollection services)
    {
        services.AddOptions<ForwardedHeadersOptions>().Configure<IOptions<TokenPortalOptions>>((forwarded, site) => Configure(forwarded, site.Value.ForwardedHeaders));
        services.AddHsts(hsts => hsts.MaxAge = TimeSpan.FromDays(365));
        return services;
    }

    /// <summary>Loopback stays trusted (ASP.NET's default); the configured proxies and networks are added to it.</summary>
    internal static void Configure(ForwardedHeadersOptions forwarded, ForwardedHeadersSettings settings)
    {
        forwarded.ForwardedHeaders = ForwardedHeaders.XForwardedFor | ForwardedHeaders.XForwardedProto;
        foreach (var proxy in settings.KnownProxies)
            forwarded.KnownProxies.Add(IPAddress.Parse(proxy));
        foreach (var network in settings.KnownNetworks)
            forwarded.KnownIPNetworks.Add(System.Net.IPNetwork.Parse(network));
    }

    public static WebApplication UseProxySupport(this WebApplication app)
    {
        app.UseForwardedHeaders();
        var site = app.Services.GetRequiredService<IOptions<TokenPortalOptions>>().Value;
        if (site.PublicBaseUrl is { } publicBaseUrl)
        {
            var publicUri = new Uri(publicBaseUrl);
            var host = new HostString(publicUri.Authority); // no ":443" for the default port
            app.Use((context, next) =>
            {
                context.Request.Scheme = publicUri.Scheme;
                context.Request.Host = host;
                return next(context);
            });
        }
        app.UseWhen(context => context.Request.IsHttps, https => https.UseHsts());
        return app;
    }
}
