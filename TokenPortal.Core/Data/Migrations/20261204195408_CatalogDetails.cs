using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace TokenPortal.Core.Data.Migrations
{
    /// <inheritdoc />
    public partial class CatalogDetails : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<long>(
                name: "CacheWrite1hMicrosPerMillion",
                table: "Models",
                type: "INTEGER",
                nullable: true);

            migrationBuilder.AddColumn<long>(
                name: "CacheWriteMicrosPerMillion",
                table: "Models",
                type: "INTEGER",
                nullable: true);

            migrationBuilder.AddColumn<int>(
                name: "ContextLength",
                table: "Models",
                type: "INTEGER",
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "InputModalities",
                table: "Models",
                type: "TEXT",
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "OutputModalities",
                table: "Models",
                type: "TEXT",
                nullable: true);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropColumn(
                name: "CacheWrite1hMicrosPerMillion",
                table: "Models");

            migrationBuilder.DropColumn(
                name: "CacheWriteMicrosPerMillion",
                table: "Models");

            migrationBuilder.DropColumn(
                name: "ContextLength",
                table: "Models");

            migrationBuilder.DropColumn(
                name: "InputModalities",
                table: "Models");

            migrationBuilder.DropColumn(
                name: "OutputModalities",
                table: "Models");
        }
    }
}
