using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace TokenPortal.Migrations.Postgres.Migrations
{
    /// <inheritdoc />
    public partial class PortalWalkthrough : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<string>(
                name: "ReceiptUrl",
                table: "StripePayments",
                type: "character varying(2048)",
                maxLength: 2048,
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "FinishReason",
                table: "RequestLogs",
                type: "character varying(40)",
                maxLength: 40,
                nullable: true);

            migrationBuilder.AddColumn<long>(
                name: "DisabledAt",
                table: "ApiKeys",
                type: "bigint",
                nullable: true);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropColumn(
                name: "ReceiptUrl",
                table: "StripePayments");

            migrationBuilder.DropColumn(
                name: "FinishReason",
                table: "RequestLogs");

            migrationBuilder.DropColumn(
                name: "DisabledAt",
                table: "ApiKeys");
        }
    }
}
