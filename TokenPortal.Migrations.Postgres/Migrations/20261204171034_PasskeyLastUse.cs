using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace TokenPortal.Migrations.Postgres.Migrations
{
    /// <inheritdoc />
    public partial class PasskeyLastUse : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.CreateTable(
                name: "PasskeyUses",
                columns: table => new
                {
                    UserId = table.Column<string>(type: "text", nullable: false),
                    CredentialId = table.Column<byte[]>(type: "bytea", maxLength: 1024, nullable: false),
                    LastUsedAt = table.Column<long>(type: "bigint", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_PasskeyUses", x => new { x.UserId, x.CredentialId });
                    table.ForeignKey(
                        name: "FK_PasskeyUses_AspNetUsers_UserId",
                        column: x => x.UserId,
                        principalTable: "AspNetUsers",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Cascade);
                });
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "PasskeyUses");
        }
    }
}
