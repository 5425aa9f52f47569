using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace TokenPortal.Core.Data.Migrations
{
    /// <inheritdoc />
    public partial class DailyRollups : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropPrimaryKey(
                name: "PK_UsageRollups",
                table: "UsageRollups");

            migrationBuilder.RenameColumn(
                name: "HourStart",
                table: "UsageRollups",
                newName: "PeriodStart");

            migrationBuilder.AddColumn<int>(
                name: "Period",
                table: "UsageRollups",
                type: "INTEGER",
                nullable: false,
                defaultValue: 0);

            migrationBuilder.AddPrimaryKey(
                name: "PK_UsageRollups",
                table: "UsageRollups",
                columns: new[] { "UserId", "Period", "PeriodStart", "ApiKeyId", "Model", "LatencyBucket" });
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropPrimaryKey(
                name: "PK_UsageRollups",
                table: "UsageRollups");

            migrationBuilder.DropColumn(
                name: "Period",
                table: "UsageRollups");

            migrationBuilder.RenameColumn(
                name: "PeriodStart",
                table: "UsageRollups",
                newName: "HourStart");

            migrationBuilder.AddPrimaryKey(
                name: "PK_UsageRollups",
                table: "UsageRollups",
                columns: new[] { "UserId", "HourStart", "ApiKeyId", "Model", "LatencyBucket" });
        }
    }
}
