using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using TokenPortal.Core.Configuration;

namespace TokenPortal.Core.Data;

/// <summary>
/// <c>tokenportal admin backup --to FILE</c>: a consistent copy of the SQLite database taken while the server serves.
/// SQLite's online backup API copies the pages under one read transaction, so the copy is the database as of one
/// moment (every ledger row with its balance), and writers are not stopped. PostgreSQL has its own tools (pg_dump).
/// </summary>
public sealed class DatabaseBackup(IDbContextFactory<TokenPortalDbContext> dbFactory, IOptions<TokenPortalOptions> options)
{
    /// <summary>Copies the database to <paramref name="path"/> (a new file) and checks the copy; returns its size in bytes.</summary>
    public async Task<long> BackUpAsync(string path, CancellationToken cancellationToken)
    {
        if (options.Value.Database.Provider != DatabaseProvider.Sqlite)
            throw new DatabaseCopyException("backup copies the embedded SQLite database; back up PostgreSQL with pg_dump (see the README).");
        var target = Path.GetFullPath(path);
        if (File.Exists(target))
            throw new DatabaseCopyException($"{target} exists already; back up to a new file.");
        if (Path.GetDirectoryName(target) is { } folder && !Directory.Exists(folder))
            throw new DatabaseCopyException($"The folder {folder} does not exist.");

        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        var source = (SqliteConnection)db.Database.GetDbConnection();
        await source.OpenAsync(cancellationToken);
        // Pooling off: the file is closed when this returns, so it can be moved or restored at once.
        var connection = new SqliteConnectionStringBuilder { DataSource = target, Mode = SqliteOpenMode.ReadWriteCreate, Pooling = false }.ToString();
        await using (var copy = new SqliteConnection(connection))
        {
            await copy.OpenAsync(cancellationToken);
            source.BackupDatabase(copy);
            // A copy that reads back whole, or no copy: a backup found broken on the day of the restore is none.
            await using var check = copy.CreateCommand();
            check.CommandText = "PRAGMA integrity_check";
            if (await check.ExecuteScalarAsync(cancellationToken) is not "ok")
            {
                await copy.CloseAsync();
                File.Delete(target);
                throw new DatabaseCopyException("The copy failed SQLite's integrity check and was deleted; the database itself may be damaged: run PRAGMA integrity_check on it.");
            }
        }
        return new FileInfo(target).Length;
    }
}
