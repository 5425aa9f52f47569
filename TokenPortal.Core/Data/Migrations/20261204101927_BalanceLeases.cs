using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace TokenPortal.Core.Data.Migrations
{
    /// <inheritdoc />
    public partial class BalanceLeases : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropCheckConstraint(
                name: "CK_ApiKeys_WithinBudget",
                table: "ApiKeys");

            migrationBuilder.AddColumn<string>(
                name: "InstanceId",
                table: "OpenReservations",
                type: "TEXT",
                maxLength: 64,
                nullable: false,
                defaultValue: "");

            migrationBuilder.AddColumn<long>(
                name: "LeasedMicros",
                table: "Balances",
                type: "INTEGER",
                nullable: false,
                defaultValue: 0L);

            migrationBuilder.AddColumn<long>(
                name: "LeasedMicros",
                table: "ApiKeys",
                type: "INTEGER",
                nullable: false,
                defaultValue: 0L);

            migrationBuilder.CreateTable(
                name: "Instances",
                columns: table => new
                {
                    Id = table.Column<string>(type: "TEXT", maxLength: 64, nullable: false),
                    Host = table.Column<string>(type: "TEXT", maxLength: 200, nullable: false),
                    StartedAt = table.Column<long>(type: "INTEGER", nullable: false),
                    HeartbeatAt = table.Column<long>(type: "INTEGER", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_Instances", x => x.Id);
                });

            migrationBuilder.CreateTable(
                name: "Leases",
                columns: table => new
                {
                    InstanceId = table.Column<string>(type: "TEXT", maxLength: 64, nullable: false),
                    UserId = table.Column<string>(type: "TEXT", nullable: false),
                    ApiKeyId = table.Column<long>(type: "INTEGER", nullable: false),
                    AmountMicros = table.Column<long>(type: "INTEGER", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_Leases", x => new { x.InstanceId, x.UserId, x.ApiKeyId });
                    table.CheckConstraint("CK_Leases_NotNegative", "\"AmountMicros\" >= 0");
                });

            migrationBuilder.CreateIndex(
                name: "IX_OpenReservations_InstanceId",
                table: "OpenReservations",
                column: "InstanceId");

            migrationBuilder.AddCheckConstraint(
                name: "CK_Balances_LeasesCovered",
                table: "Balances",
                sql: "\"LeasedMicros\" >= 0 AND \"LeasedMicros\" <= \"BalanceMicros\"");

            migrationBuilder.AddCheckConstraint(
                name: "CK_ApiKeys_WithinBudget",
                table: "ApiKeys",
                sql: "\"LeasedMicros\" >= 0 AND (\"BudgetMicros\" IS NULL OR \"SpentMicros\" + \"ReservedMicros\" + \"LeasedMicros\" <= \"BudgetMicros\")");

            migrationBuilder.CreateIndex(
                name: "IX_Leases_UserId",
                table: "Leases",
                column: "UserId");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "Instances");

            migrationBuilder.DropTable(
                name: "Leases");

            migrationBuilder.DropIndex(
                name: "IX_OpenReservations_InstanceId",
                table: "OpenReservations");

            migrationBuilder.DropCheckConstraint(
                name: "CK_Balances_LeasesCovered",
                table: "Balances");

            migrationBuilder.DropCheckConstraint(
                name: "CK_ApiKeys_WithinBudget",
                table: "ApiKeys");

            migrationBuilder.DropColumn(
                name: "InstanceId",
                table: "OpenReservations");

            migrationBuilder.DropColumn(
                name: "LeasedMicros",
                table: "Balances");

            migrationBuilder.DropColumn(
                name: "LeasedMicros",
                table: "ApiKeys");

            migrationBuilder.AddCheckConstraint(
                name: "CK_ApiKeys_WithinBudget",
                table: "ApiKeys",
                sql: "\"BudgetMicros\" IS NULL OR \"SpentMicros\" + \"ReservedMicros\" <= \"BudgetMicros\"");
        }
    }
}
