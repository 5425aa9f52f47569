using Microsoft.EntityFrameworkCore;
using TokenPortal.Core.Configuration;
using TokenPortal.Core.Data;
using TokenPortal.Core.RateLimiting.Redis;

namespace TokenPortal.Web.Operations;

internal static class OperationsEndpoints
{
    public static IEndpointRouteBuilder MapOperations(this IEndpointRouteBuilder app)
    {
        app.MapGet("/healthz", Health);
        app.MapGet("/readyz", ReadyAsync);
        return app;
    }

    /// <summary>
    /// Whether this instance can serve: the database answers, and Redis where the site uses it. With
    /// <c>Redis:WhenDown=PerInstance</c> a lost Redis is reported but the instance stays ready (it serves on per-instance limits).
    /// </summary>
    private static async Task<IResult> ReadyAsync(IDbContextFactory<TokenPortalDbContext> dbFactory, IServiceProvider services, CancellationToken cancellationToken)
    {
        var database = await Health(dbFactory, cancellationToken);
        var databaseReady = database is IStatusCodeHttpResult { StatusCode: null or 200 };
        var lines = new List<string> { databaseReady ? "database: ok" : "database: unavailable" };
        var ready = databaseReady;
        if (services.GetService<RedisConnection>() is { } redis)
        {
            var redisUp = redis.IsConnected;
            lines.Add(redisUp ? "redis: ok"
                : redis.WhenDown == RedisWhenDown.PerInstance ? "redis: unavailable (serving on per-instance limits)" : "redis: unavailable (refusing requests it cannot count)");
            ready &= redisUp || redis.WhenDown == RedisWhenDown.PerInstance;
        }
        return TypedResults.Text(string.Join('\n', lines) + "\n", statusCode: ready ? StatusCodes.Status200OK : StatusCodes.Status503ServiceUnavailable);
    }

    /// <summary>200 when the database answers, 503 otherwise.</summary>
    private static async Task<IResult> Health(IDbContextFactory<TokenPortalDbContext> dbFactory, CancellationToken cancellationToken)
    {
        try
        {
            await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
            // A real read, not just an open: a locked or corrupt file fails here.
            await db.Ledger.AsNoTracking().AnyAsync(cancellationToken);
            return TypedResults.Text("ok\n");
        }
        catch (Exception ex) when (ex is System.Data.Common.DbException or InvalidOperationException)
        {
            return TypedResults.Text("database unavailable\n", statusCode: StatusCodes.Status503ServiceUnavailable);
        }
    }
}
