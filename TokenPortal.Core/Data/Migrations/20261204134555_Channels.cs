using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace TokenPortal.Core.Data.Migrations
{
    /// <inheritdoc />
    public partial class Channels : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.CreateTable(
                name: "ModelChannels",
                columns: table => new
                {
                    Id = table.Column<long>(type: "INTEGER", nullable: false)
                        .Annotation("Sqlite:Autoincrement", true),
                    ModelId = table.Column<long>(type: "INTEGER", nullable: false),
                    ProviderId = table.Column<long>(type: "INTEGER", nullable: false),
                    UpstreamModel = table.Column<string>(type: "TEXT", maxLength: 200, nullable: false),
                    Weight = table.Column<int>(type: "INTEGER", nullable: false),
                    Priority = table.Column<int>(type: "INTEGER", nullable: false),
                    Enabled = table.Column<bool>(type: "INTEGER", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_ModelChannels", x => x.Id);
                    table.CheckConstraint("CK_ModelChannels_Weight", "\"Weight\" > 0");
                    table.ForeignKey(
                        name: "FK_ModelChannels_Models_ModelId",
                        column: x => x.ModelId,
                        principalTable: "Models",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Cascade);
                    table.ForeignKey(
                        name: "FK_ModelChannels_Providers_ProviderId",
                        column: x => x.ProviderId,
                        principalTable: "Providers",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateIndex(
                name: "IX_ModelChannels_ModelId_ProviderId_UpstreamModel",
                table: "ModelChannels",
                columns: new[] { "ModelId", "ProviderId", "UpstreamModel" },
                unique: true);

            migrationBuilder.CreateIndex(
                name: "IX_ModelChannels_ProviderId",
                table: "ModelChannels",
                column: "ProviderId");

            // Each model's one provider becomes its first channel, before the columns that named it go.
            migrationBuilder.Sql("""
                INSERT INTO "ModelChannels" ("ModelId", "ProviderId", "UpstreamModel", "Weight", "Priority", "Enabled")
                SELECT "Id", "ProviderId", "UpstreamModel", 1, 0, 1 FROM "Models";
                """);

            migrationBuilder.DropForeignKey(
                name: "FK_Models_Providers_ProviderId",
                table: "Models");

            migrationBuilder.DropIndex(
                name: "IX_Models_ProviderId",
                table: "Models");

            migrationBuilder.DropColumn(
                name: "ProviderId",
                table: "Models");

            migrationBuilder.DropColumn(
                name: "UpstreamModel",
                table: "Models");

            migrationBuilder.AddColumn<int>(
                name: "Attempts",
                table: "RequestLogs",
                type: "INTEGER",
                nullable: false,
                defaultValue: 0);

            migrationBuilder.AddColumn<string>(
                name: "UpstreamModel",
                table: "RequestLogs",
                type: "TEXT",
                maxLength: 200,
                nullable: true);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<long>(
                name: "ProviderId",
                table: "Models",
                type: "INTEGER",
                nullable: false,
                defaultValue: 0L);

            migrationBuilder.AddColumn<string>(
                name: "UpstreamModel",
                table: "Models",
                type: "TEXT",
                maxLength: 200,
                nullable: false,
                defaultValue: "");

            // Each model gets back the provider of its first channel.
            migrationBuilder.Sql("""
                UPDATE "Models" SET
                    "ProviderId" = (SELECT c."ProviderId" FROM "ModelChannels" c WHERE c."ModelId" = "Models"."Id" ORDER BY c."Priority", c."Id" LIMIT 1),
                    "UpstreamModel" = (SELECT c."UpstreamModel" FROM "ModelChannels" c WHERE c."ModelId" = "Models"."Id" ORDER BY c."Priority", c."Id" LIMIT 1)
                WHERE EXISTS (SELECT 1 FROM "ModelChannels" c WHERE c."ModelId" = "Models"."Id");
                """);

            migrationBuilder.CreateIndex(
                name: "IX_Models_ProviderId",
                table: "Models",
                column: "ProviderId");

            migrationBuilder.AddForeignKey(
                name: "FK_Models_Providers_ProviderId",
                table: "Models",
                column: "ProviderId",
                principalTable: "Providers",
                principalColumn: "Id",
                onDelete: ReferentialAction.Cascade);

            migrationBuilder.DropTable(
                name: "ModelChannels");

            migrationBuilder.DropColumn(
                name: "Attempts",
                table: "RequestLogs");

            migrationBuilder.DropColumn(
                name: "UpstreamModel",
                table: "RequestLogs");
        }
    }
}
