using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using TokenPortal.Core.Billing;
using TokenPortal.Core.Catalog;
using TokenPortal.Core.Configuration;

namespace TokenPortal.Core.Data;

/// <summary>Brings the database to the current schema and the catalog in line with configuration.</summary>
public sealed partial class DatabaseInitializer(
    IDbContextFactory<TokenPortalDbContext> dbFactory,
    IOptionsMonitor<TokenPortalOptions> options,
    ILedger ledger,
    IModelCatalog catalog,
    SiteSettings siteSettings,
    ProviderKeyProtector providerKeys,
    ILogger<DatabaseInitializer> logger)
{
    /// <param name="releaseAbandoned">
    /// True to release the reservations and return the leases of servers that are gone (the server does that itself once it
    /// registered, see <see cref="DatabaseInitializationService"/>). The admin CLI passes false: it may run beside a live server.
    /// </param>
    public async Task InitializeAsync(bool releaseAbandoned, CancellationToken cancellationToken)
    {
        await using (var db = await dbFactory.CreateDbContextAsync(cancellationToken))
        {
            if (db.Database.IsSqlite())
            {
                // WAL is a property of the file: readers never wait for the writer.
                await db.Database.OpenConnectionAsync(cancellationToken);
                await db.Database.ExecuteSqlRawAsync("PRAGMA journal_mode=WAL;", cancellationToken);
            }
            // EF's Migrate builds the whole design-time model to look for unmigrated changes (about a quarter of a second of
            // every start); asking the history table first costs one query, and a database already up to date needs nothing more.
            if ((await db.Database.GetPendingMigrationsAsync(cancellationToken)).Any())
                await db.Database.MigrateAsync(cancellationToken);
            await CatalogSeeder.SeedAsync(db, options.CurrentValue, providerKeys, cancellationToken);
        }

        await siteSettings.LoadAsync(cancellationToken);
        if (releaseAbandoned)
            await ledger.ReleaseAbandonedAsync(cancellationToken);

        await catalog.ReloadAsync(cancellationToken);
        if (catalog.Models.Count == 0)
            LogNoModels(logger);
        else
            LogCatalog(logger, catalog.Models.Count, options.CurrentValue.PriceMultiplier);
    }

    [LoggerMessage(Level = LogLevel.Warning, Message =
        "No models are configured, so GET /v1/models is empty. Add a provider and a model under TokenPortal:Providers and " +
        "TokenPortal:Models in appsettings.json (or the environment, e.g. TokenPortal__Providers__0__Name=openai, " +
        "TokenPortal__Providers__0__Kind=OpenAI, TokenPortal__Providers__0__BaseUrl=https://api.openai.com/v1, " +
        "TokenPortal__Providers__0__ApiKey=sk-..., TokenPortal__Models__0__Id=gpt-4o-mini, TokenPortal__Models__0__Provider=openai, " +
        "TokenPortal__Models__0__InputPerMillionUsd=0.15, TokenPortal__Models__0__OutputPerMillionUsd=0.6); see README.md.")]
    private static partial void LogNoModels(ILogger logger);

    [LoggerMessage(Level = LogLevel.Information, Message = "Serving {Count} models at a price multiplier of {Multiplier}.")]
    private static partial void LogCatalog(ILogger logger, int count, decimal multiplier);
}
