using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Migrations;
using Microsoft.Extensions.DependencyInjection;
using TokenPortal.Core.Data;
using TokenPortal.Core.Data.Entities;
using TokenPortal.Tests.Infrastructure;

namespace TokenPortal.Tests.Data;

/// <summary>An existing database keeps its dashboard history when the daily rollups arrive.</summary>
public sealed class DailyRollupsMigrationTests
{
    [Fact]
    public async Task Migrate_FromHourlyOnly_BackfillsDaysFromTheExistingHours()
    {
        await using var core = await CoreServices.StartAsync();
        await using var db = await core.Get<IDbContextFactory<TokenPortalDbContext>>().CreateDbContextAsync();
        var migrator = db.GetInfrastructure().GetRequiredService<IMigrator>();
        await migrator.MigrateAsync("20261122215131_Portal");

        var day = new DateTimeOffset(2026, 11, 20, 0, 0, 0, TimeSpan.Zero).ToUnixTimeMilliseconds();
        var hour = (long)TimeSpan.FromHours(1).TotalMilliseconds;
        foreach (var (start, requests, cost) in new[] { (day + 3 * hour, 2L, 100L), (day + 22 * hour, 5L, 250L), (day + 24 * hour, 1L, 7L) })
        {
            await db.Database.ExecuteSqlRawAsync("""
                INSERT INTO "UsageRollups" ("UserId", "HourStart", "ApiKeyId", "Model", "LatencyBucket", "Requests", "Errors", "PromptTokens", "CompletionTokens", "CachedTokens", "CostMicros")
                VALUES ('u1', {0}, 1, 'm', 12, {1}, 0, {1}, {1}, 0, {2})
                """, start, requests, cost);
        }

        await migrator.MigrateAsync();

        var rows = await db.UsageRollups.AsNoTracking().OrderBy(r => r.Period).ThenBy(r => r.PeriodStart).ToListAsync();
        Assert.Equal(3, rows.Count(r => r.Period == RollupPeriod.Hour));
        var days = rows.Where(r => r.Period == RollupPeriod.Day).ToList();
        Assert.Equal([(day, 7L, 350L), (day + 24 * hour, 1L, 7L)], days.Select(d => (d.PeriodStart.ToUnixTimeMilliseconds(), d.Requests, d.CostMicros)));
        SqliteConnection.ClearAllPools();
    }
}
