using Microsoft.EntityFrameworkCore;
using TokenPortal.Core.Data;

namespace TokenPortal.Web.Operations;

internal static class OperationsEndpoints
{
    public static IEndpointRouteBuilder MapOperations(this IEndpointRouteBuilder app)
    {
        app.MapGet("/healthz", Health);
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
