using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace TokenPortal.Core.Data.Migrations
{
    /// <inheritdoc />
    public partial class UsageControls : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<long>(
                name: "ApiKeyId",
                table: "OpenReservations",
                type: "INTEGER",
                nullable: false,
                defaultValue: 0L);

            migrationBuilder.AddColumn<int>(
                name: "DefaultKeyRpm",
                table: "AspNetUsers",
                type: "INTEGER",
                nullable: true);

            migrationBuilder.AddColumn<int>(
                name: "MaxConcurrent",
                table: "AspNetUsers",
                type: "INTEGER",
                nullable: true);

            migrationBuilder.AddColumn<long>(
                name: "BudgetMicros",
                table: "ApiKeys",
                type: "INTEGER",
                nullable: true);

            migrationBuilder.AddColumn<long>(
                name: "ReservedMicros",
                table: "ApiKeys",
                type: "INTEGER",
                nullable: false,
                defaultValue: 0L);

            migrationBuilder.AddCheckConstraint(
                name: "CK_ApiKeys_WithinBudget",
                table: "ApiKeys",
                sql: "\"BudgetMicros\" IS NULL OR \"SpentMicros\" + \"ReservedMicros\" <= \"BudgetMicros\"");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropCheckConstraint(
                name: "CK_ApiKeys_WithinBudget",
                table: "ApiKeys");

            migrationBuilder.DropColumn(
                name: "ApiKeyId",
                table: "OpenReservations");

            migrationBuilder.DropColumn(
                name: "DefaultKeyRpm",
                table: "AspNetUsers");

            migrationBuilder.DropColumn(
                name: "MaxConcurrent",
                table: "AspNetUsers");

            migrationBuilder.DropColumn(
                name: "BudgetMicros",
                table: "ApiKeys");

            migrationBuilder.DropColumn(
                name: "ReservedMicros",
                table: "ApiKeys");
        }
    }
}
