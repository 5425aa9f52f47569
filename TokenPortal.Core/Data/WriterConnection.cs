using System.Data.Common;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging;

namespace TokenPortal.Core.Data;

/// <summary>
/// A background writer's own connection, kept open with its statements prepared on it, so that a batch costs no context,
/// no connection and no statement compilation; dropped after a failure and opened afresh for the next batch.
/// </summary>
internal sealed partial class WriterConnection<TStatements>(
    IDbContextFactory<TokenPortalDbContext> dbFactory,
    Func<DbConnection, Task<TStatements>> prepare,
    ILogger logger) where TStatements : class, IAsyncDisposable
{
    private TokenPortalDbContext? _db;
    private TStatements? _statements;

    /// <summary>The statements, with the connection they run on; opened and prepared on first use.</summary>
    public async Task<(TStatements Statements, DbConnection Connection)> OpenAsync()
    {
        if (_statements is null)
        {
            _db = await dbFactory.CreateDbContextAsync();
            await _db.Database.OpenConnectionAsync();
            _statements = await prepare(_db.Database.GetDbConnection());
        }
        return (_statements, _db!.Database.GetDbConnection());
    }

    public async Task CloseAsync()
    {
        var (statements, db) = (_statements, _db);
        (_statements, _db) = (null, null);
        try
        {
            if (statements is not null)
                await statements.DisposeAsync();
            if (db is not null)
                await db.DisposeAsync();
        }
        catch (Exception ex)
        {
            // Closing a connection that already failed may fail too; the next batch opens a new one regardless.
            LogCloseFailed(logger, ex);
        }
    }

    [LoggerMessage(Level = LogLevel.Debug, Message = "Closing a writer's failed connection failed as well.")]
    private static partial void LogCloseFailed(ILogger logger, Exception exception);
}
