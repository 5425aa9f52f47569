using Microsoft.EntityFrameworkCore;
using TokenPortal.Core.Data;

namespace TokenPortal.Web.Operations;

internal static class OperationsEndpoints
{
    public static IEndpointRouteBuilder MapOperations(this IEndpointRouteBuilder app)
    {
        app.MapGet("/healthz", Health);
        app.MapGet("/", () => TypedResults.Text(
            "TokenPortal is running. The OpenAI-compatible API is at /v1 (GET /v1/models lists the models).\n"));
        return app;
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
