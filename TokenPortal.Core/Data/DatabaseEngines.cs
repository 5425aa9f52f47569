using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Diagnostics;
using Npgsql;
using TokenPortal.Core.Configuration;

namespace TokenPortal.Core.Data;

/// <summary>
/// What differs between the two databases, in one place: how a context connects, where each keeps its migrations, and
/// how each reports a broken constraint. Everything else (EF queries, the writers' SQL) is shared.
/// </summary>
public static class DatabaseEngines
{
    /// <summary>PostgreSQL's migrations live in an assembly of their own (SQLite's in Core): EF keeps one set per provider.</summary>
    public const string PostgresMigrationsAssembly = "TokenPortal.Migrations.Postgres";

    public static DbContextOptionsBuilder Use(this DbContextOptionsBuilder db, DatabaseProvider provider, string connectionString) => provider switch
    {
        DatabaseProvider.Postgres => db.UseNpgsql(WithAutoPrepare(connectionString), npgsql => npgsql.MigrationsAssembly(PostgresMigrationsAssembly)),
        _ => db.UseSqlite(connectionString).AddInterceptors(new SqliteConnectionOpenedInterceptor())
            // SQLite's table rebuilds turn foreign keys off around them, which EF cannot do inside a transaction and warns
            // about at every fresh start; the rebuilds are EF's own and run at start before anything is served.
            .ConfigureWarnings(warnings => warnings.Ignore(RelationalEventId.NonTransactionalMigrationOperationWarning)),
    };

    /// <summary>
    /// The model EF would otherwise build in every process, generated ahead of time for each provider by
    /// <c>dotnet ef dbcontext optimize</c>; <c>CompiledModelTests</c> fails when an entity changes and they are not regenerated.
    /// Design-time tools keep building the model from the entities (<see cref="Use"/> does not set it).
    /// </summary>
    public static DbContextOptionsBuilder UseCompiledModel(this DbContextOptionsBuilder db, DatabaseProvider provider) => db.UseModel(provider switch
    {
        DatabaseProvider.Postgres => CompiledModels.Postgres.TokenPortalDbContextModel.Instance,
        _ => CompiledModels.Sqlite.TokenPortalDbContextModel.Instance,
    });

    /// <summary>
    /// Statements run again and again (the writers', EF's common queries) are prepared on the server after a couple of
    /// uses, so PostgreSQL parses and plans each once per connection; an operator's own <c>Max Auto Prepare</c> wins.
    /// </summary>
    private static string WithAutoPrepare(string connectionString)
    {
        var builder = new NpgsqlConnectionStringBuilder(connectionString);
        if (!connectionString.Contains("Auto Prepare", StringComparison.OrdinalIgnoreCase))
            builder.MaxAutoPrepare = 64;
        return builder.ConnectionString;
    }

    /// <summary>True for a unique or check constraint a statement broke (one operation's fault, not the batch's).</summary>
    public static bool IsConstraintViolation(Exception ex) => ex switch
    {
        SqliteException { SqliteErrorCode: 19 } => true,
        PostgresException postgres => postgres.SqlState.StartsWith("23", StringComparison.Ordinal),
        _ => ex.InnerException is { } inner && IsConstraintViolation(inner),
    };

    /// <summary>True when the database broke a deadlock or a serialization conflict by failing this transaction: worth one more try.</summary>
    public static bool IsConflict(Exception ex) => ex switch
    {
        PostgresException { SqlState: PostgresErrorCodes.DeadlockDetected or PostgresErrorCodes.SerializationFailure } => true,
        _ => ex.InnerException is { } inner && IsConflict(inner),
    };

    /// <summary>True for a duplicate key (a row someone else inserted first).</summary>
    public static bool IsUniqueViolation(Exception ex) => ex switch
    {
        SqliteException { SqliteExtendedErrorCode: 1555 or 2067 } => true,
        PostgresException { SqlState: PostgresErrorCodes.UniqueViolation } => true,
        _ => ex.InnerException is { } inner && IsUniqueViolation(inner),
    };
}
