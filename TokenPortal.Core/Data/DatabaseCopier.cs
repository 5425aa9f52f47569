using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata;
using TokenPortal.Core.Billing;
using TokenPortal.Core.Configuration;
using TokenPortal.Core.Data.Entities;

namespace TokenPortal.Core.Data;

/// <summary>
/// The upgrade path from one server on SQLite to several on PostgreSQL (<c>tokenportal admin db copy --to ...</c>): every
/// table of the configured database (users, passkeys, keys, ledger, log, settings, the Data Protection key ring, so
/// sign-ins and provider keys stay valid) into an empty PostgreSQL database, brought to its own schema first. Rows keep
/// their ids; each table goes in batches, parents before children. The servers' own state (registrations, leases) is
/// not data and starts empty; reservations a crashed server left open are copied and released by the first server to start.
/// Both databases are audited afterwards. Run it with the servers stopped.
/// </summary>
public sealed class DatabaseCopier(IDbContextFactory<TokenPortalDbContext> sourceFactory, IServiceProvider services)
{
    private const int BatchSize = 2_000;

    private static readonly HashSet<Type> ServerState = [typeof(ServerInstanceRecord), typeof(BalanceLease)];

    public async Task<DatabaseCopyReport> CopyToPostgresAsync(string connectionString, CancellationToken cancellationToken)
    {
        var builder = new DbContextOptionsBuilder<TokenPortalDbContext>();
        // Identity's model depends on its options (the schema version), read from the application's services.
        builder.Use(DatabaseProvider.Postgres, connectionString).UseCompiledModel(DatabaseProvider.Postgres).UseApplicationServiceProvider(services);
        var target = builder.Options;
        await using (var db = new TokenPortalDbContext(target))
        {
            await db.Database.MigrateAsync(cancellationToken);
            if (await db.Users.AnyAsync(cancellationToken) || await db.Ledger.AnyAsync(cancellationToken))
                throw new DatabaseCopyException("The target database already has users or ledger rows: copy into an empty database.");
        }

        List<(string, long)> tables = [];
        await using (var source = await sourceFactory.CreateDbContextAsync(cancellationToken))
        {
            foreach (var entityType in ParentsFirst(source.Model))
            {
                var copy = typeof(DatabaseCopier).GetMethod(nameof(CopyTableAsync), System.Reflection.BindingFlags.NonPublic | System.Reflection.BindingFlags.Static)!
                    .MakeGenericMethod(entityType.ClrType);
                tables.Add((entityType.GetTableName()!, await (Task<long>)copy.Invoke(null, [source, target, cancellationToken])!));
            }
        }
        await using (var db = new TokenPortalDbContext(target))
        {
            await ContinueIdentitiesAsync(db, cancellationToken);
            await db.Database.ExecuteSqlRawAsync("""
                UPDATE "Balances" SET "LeasedMicros" = 0 WHERE "LeasedMicros" <> 0;
                UPDATE "ApiKeys" SET "LeasedMicros" = 0 WHERE "LeasedMicros" <> 0;
                UPDATE "OpenReservations" SET "InstanceId" = '';
                """, cancellationToken);
        }

        var sourceAudit = await new LedgerAudit(sourceFactory).RunAsync(cancellationToken);
        var targetAudit = await new LedgerAudit(new FixedDbContextFactory(target)).RunAsync(cancellationToken);
        return new DatabaseCopyReport(tables, sourceAudit, targetAudit);
    }

    private static async Task<long> CopyTableAsync<T>(TokenPortalDbContext source, DbContextOptions<TokenPortalDbContext> target, CancellationToken cancellationToken)
        where T : class
    {
        long rows = 0;
        List<T> batch = new(BatchSize);
        await foreach (var row in source.Set<T>().AsNoTracking().AsAsyncEnumerable().WithCancellation(cancellationToken))
        {
            batch.Add(row);
            if (batch.Count == BatchSize)
                rows += await InsertAsync(batch, target, cancellationToken);
        }
        return rows + await InsertAsync(batch, target, cancellationToken);
    }

    private static async Task<int> InsertAsync<T>(List<T> batch, DbContextOptions<TokenPortalDbContext> target, CancellationToken cancellationToken)
        where T : class
    {
        if (batch.Count == 0)
            return 0;
        await using var db = new TokenPortalDbContext(target);
        db.Set<T>().AddRange(batch);
        await db.SaveChangesAsync(cancellationToken);
        var count = batch.Count;
        batch.Clear();
        return count;
    }

    /// <summary>The tables to copy, each after every table it refers to.</summary>
    private static List<IEntityType> ParentsFirst(IModel model)
    {
        var tables = model.GetEntityTypes()
            .Where(e => !e.IsOwned() && e.FindPrimaryKey() is not null && e.GetTableName() is not null && !ServerState.Contains(e.ClrType))
            .OrderBy(e => e.GetTableName(), StringComparer.Ordinal)
            .ToList();
        List<IEntityType> ordered = [];
        HashSet<IEntityType> placed = [];
        void Place(IEntityType entityType)
        {
            if (!placed.Add(entityType))
                return;
            foreach (var foreignKey in entityType.GetForeignKeys())
            {
                if (foreignKey.PrincipalEntityType != entityType && tables.Contains(foreignKey.PrincipalEntityType))
                    Place(foreignKey.PrincipalEntityType);
            }
            ordered.Add(entityType);
        }
        tables.ForEach(Place);
        return ordered;
    }

    /// <summary>Ids were copied as they were: each identity column continues after the highest one.</summary>
    private static async Task ContinueIdentitiesAsync(TokenPortalDbContext db, CancellationToken cancellationToken)
    {
        foreach (var entityType in db.Model.GetEntityTypes())
        {
            if (entityType.FindPrimaryKey()?.Properties is not [{ ValueGenerated: ValueGenerated.OnAdd } key] ||
                key.ClrType != typeof(long) && key.ClrType != typeof(int) || entityType.GetTableName() is not { } table)
            {
                continue;
            }
            var column = key.GetColumnName();
            var continueAfterHighest = $"""
                SELECT setval(pg_get_serial_sequence('"{table}"', '{column}'), COALESCE(MAX("{column}"), 1), MAX("{column}") IS NOT NULL) FROM "{table}"
                """;
            await db.Database.ExecuteSqlRawAsync(continueAfterHighest, cancellationToken);
        }
    }
}
