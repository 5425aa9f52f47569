using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.Logging;

namespace TokenPortal.Tests.Infrastructure;

/// <summary>The host every fake runs on: a slim Kestrel on loopback, any free port, logging nothing.</summary>
internal static class LoopbackApp
{
    public static WebApplication Create()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseKestrel(k => k.Listen(IPAddress.Loopback, 0));
        builder.Logging.ClearProviders();
        return builder.Build();
    }

    /// <summary>Where a started app listens, with a trailing slash: <c>http://127.0.0.1:PORT/</c>.</summary>
    public static Uri Address(WebApplication app) => new(app.Urls.First().TrimEnd('/') + "/");
}
