using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace TokenPortal.Core.Data.Migrations
{
    /// <inheritdoc />
    public partial class HonestBilling : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<long>(
                name: "DisputeUncoveredMicros",
                table: "StripePayments",
                type: "INTEGER",
                nullable: false,
                defaultValue: 0L);

            migrationBuilder.AddColumn<long>(
                name: "WrittenOffMicros",
                table: "RequestLogs",
                type: "INTEGER",
                nullable: false,
                defaultValue: 0L);

            migrationBuilder.AddColumn<long>(
                name: "ClawbackMicros",
                table: "OpenReservations",
                type: "INTEGER",
                nullable: false,
                defaultValue: 0L);

            migrationBuilder.AddColumn<string>(
                name: "AllowedParameters",
                table: "Models",
                type: "TEXT",
                nullable: true);

            migrationBuilder.AddColumn<int>(
                name: "MaxImageTokens",
                table: "Models",
                type: "INTEGER",
                nullable: true);

            migrationBuilder.AddColumn<bool>(
                name: "Reasoning",
                table: "Models",
                type: "INTEGER",
                nullable: false,
                defaultValue: false);

            migrationBuilder.AddColumn<long>(
                name: "CardSetupCreatedAt",
                table: "BillingProfiles",
                type: "INTEGER",
                nullable: true);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropColumn(
                name: "DisputeUncoveredMicros",
                table: "StripePayments");

            migrationBuilder.DropColumn(
                name: "WrittenOffMicros",
                table: "RequestLogs");

            migrationBuilder.DropColumn(
                name: "ClawbackMicros",
                table: "OpenReservations");

            migrationBuilder.DropColumn(
                name: "AllowedParameters",
                table: "Models");

            migrationBuilder.DropColumn(
                name: "MaxImageTokens",
                table: "Models");

            migrationBuilder.DropColumn(
                name: "Reasoning",
                table: "Models");

            migrationBuilder.DropColumn(
                name: "CardSetupCreatedAt",
                table: "BillingProfiles");
        }
    }
}
