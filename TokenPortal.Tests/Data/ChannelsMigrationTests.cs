using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Migrations;
using Microsoft.Extensions.DependencyInjection;
using TokenPortal.Core.Data;
using TokenPortal.Tests.Infrastructure;

namespace TokenPortal.Tests.Data;

/// <summary>An existing database keeps its models when channels arrive: each model's provider becomes its one channel, and back.</summary>
public sealed class ChannelsMigrationTests
{
    private const string BeforeChannels = "20261204101927_BalanceLeases";

    [Fact]
    public async Task Migrate_FromOneProviderPerModel_GivesEachModelItsProviderAsAChannel_AndDownGivesItBack()
    {
        await using var core = await CoreServices.StartAsync();
        await using var db = await core.Get<IDbContextFactory<TokenPortalDbContext>>().CreateDbContextAsync();
        var migrator = db.GetInfrastructure().GetRequiredService<IMigrator>();
        await migrator.MigrateAsync(BeforeChannels);
        await db.Database.ExecuteSqlRawAsync("""
            INSERT INTO "Providers" ("Name", "Kind", "BaseUrl", "ApiKey", "TimeoutSeconds", "Enabled") VALUES ('up', 'OpenAI', 'http://127.0.0.1:9/v1', NULL, 30, 1);
            INSERT INTO "Models" ("PublicId", "ProviderId", "UpstreamModel", "Kind", "InputMicrosPerMillion", "CachedInputMicrosPerMillion", "OutputMicrosPerMillion", "MaxOutputTokens", "Enabled", "Reasoning")
            VALUES ('old-model', (SELECT "Id" FROM "Providers" WHERE "Name" = 'up'), 'upstream-name', 'Chat', 1000000, 500000, 2000000, 100, 1, 0);
            """);

        await migrator.MigrateAsync();

        var model = await db.Models.AsNoTracking().Include(m => m.Channels).ThenInclude(c => c.Provider).SingleAsync(m => m.PublicId == "old-model");
        var channel = Assert.Single(model.Channels);
        Assert.Equal(("up", "upstream-name", 1, 0, true), (channel.Provider!.Name, channel.UpstreamModel, channel.Weight, channel.Priority, channel.Enabled));
        Assert.Equal((1_000_000, 2_000_000), (model.InputMicrosPerMillion, model.OutputMicrosPerMillion));

        await migrator.MigrateAsync(BeforeChannels);
        var restored = await db.Database.SqlQueryRaw<string>("""
            SELECT p."Name" || '/' || m."UpstreamModel" AS "Value" FROM "Models" m JOIN "Providers" p ON p."Id" = m."ProviderId" WHERE m."PublicId" = 'old-model'
            """).SingleAsync();
        Assert.Equal("up/upstream-name", restored);
        SqliteConnection.ClearAllPools();
    }
}
