using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace TokenPortal.Core.Data.Migrations
{
    /// <inheritdoc />
    public partial class BackfillDailyRollups : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            // Every existing hour row becomes part of its day's row, so long ranges read the same totals as before.
            // A migration of its own: SQLite rebuilds the re-keyed table only at the end of the one before.
            migrationBuilder.Sql("""
                INSERT INTO "UsageRollups" ("UserId", "Period", "PeriodStart", "ApiKeyId", "Model", "LatencyBucket",
                    "Requests", "Errors", "PromptTokens", "CompletionTokens", "CachedTokens", "CostMicros")
                SELECT "UserId", 1, "PeriodStart" - "PeriodStart" % 86400000, "ApiKeyId", "Model", "LatencyBucket",
                    SUM("Requests"), SUM("Errors"), SUM("PromptTokens"), SUM("CompletionTokens"), SUM("CachedTokens"), SUM("CostMicros")
                FROM "UsageRollups" WHERE "Period" = 0
                GROUP BY "UserId", "PeriodStart" - "PeriodStart" % 86400000, "ApiKeyId", "Model", "LatencyBucket"
                """);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.Sql("""DELETE FROM "UsageRollups" WHERE "Period" = 1""");
        }
    }
}
