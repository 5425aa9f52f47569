using System.Text;
using Microsoft.AspNetCore.Diagnostics.HealthChecks;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace TokenPortal.Web.Operations;

/// <summary><c>/healthz</c> (the process serves) and <c>/readyz</c> (it can serve requests), on ASP.NET Core's health checks.</summary>
internal static class OperationsEndpoints
{
    private const string Ready = "ready";

    public static IServiceCollection AddOperations(this IServiceCollection services)
    {
        services.AddHealthChecks()
            .AddCheck<DatabaseHealthCheck>("database", tags: [Ready])
            .AddCheck<RedisHealthCheck>("redis", tags: [Ready])
            .AddCheck<LedgerWriterHealthCheck>("ledger writer", tags: [Ready]);
        services.AddHostedService<StartupPagesRelease>();
        return services;
    }

    public static IEndpointRouteBuilder MapOperations(this IEndpointRouteBuilder app)
    {
        // Liveness: no check at all, so a slow database never gets a serving process restarted.
        app.MapHealthChecks("/healthz", new HealthCheckOptions { Predicate = _ => false, ResponseWriter = WriteAsync });
        app.MapHealthChecks("/readyz", new HealthCheckOptions { Predicate = check => check.Tags.Contains(Ready), ResponseWriter = WriteAsync });
        return app;
    }

    /// <summary>One line per check ("database: ok"), or "ok" when nothing was checked; degraded still answers 200.</summary>
    private static Task WriteAsync(HttpContext context, HealthReport report)
    {
        context.Response.ContentType = "text/plain; charset=utf-8";
        var text = new StringBuilder();
        if (report.Entries.Count == 0)
            text.Append("ok\n");
        foreach (var (name, entry) in report.Entries)
            text.Append(name).Append(": ").Append(entry.Description ?? entry.Status.ToString()).Append('\n');
        return context.Response.WriteAsync(text.ToString());
    }
}
