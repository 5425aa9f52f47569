using System.Data.Common;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Diagnostics;

namespace TokenPortal.Core.Data;

/// <summary>
/// Per-connection SQLite settings. With WAL, synchronous=NORMAL loses nothing on a process crash
/// (only on power loss), and spares an fsync per commit. No connection checkpoints the WAL on commit
/// at SQLite's default of 1,000 pages (that copy and its fsyncs would stall whichever request committed):
/// <see cref="WalCheckpointService"/> does it in the background. 50,000 pages (200 MB) stays as a backstop should the
/// service fall behind or not run (the admin CLI); a WAL that grew in a burst is cut back to 64 MB once it restarts.
/// </summary>
internal sealed class SqliteConnectionOpenedInterceptor : DbConnectionInterceptor
{
    private const string Pragmas = "PRAGMA synchronous=NORMAL; PRAGMA foreign_keys=ON; PRAGMA wal_autocheckpoint=50000; PRAGMA journal_size_limit=67108864;";

    public override void ConnectionOpened(DbConnection connection, ConnectionEndEventData eventData)
    {
        using var command = connection.CreateCommand();
        command.CommandText = Pragmas;
        command.ExecuteNonQuery();
    }

    public override async Task ConnectionOpenedAsync(DbConnection connection, ConnectionEndEventData eventData, CancellationToken cancellationToken = default)
    {
        await using var command = connection.CreateCommand();
        command.CommandText = Pragmas;
        await command.ExecuteNonQueryAsync(cancellationToken);
    }
}
