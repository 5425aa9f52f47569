using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace TokenPortal.Core.Data.Migrations
{
    /// <inheritdoc />
    public partial class SignupCreditClaims : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.CreateTable(
                name: "SignupCreditClaims",
                columns: table => new
                {
                    IdentityHash = table.Column<string>(type: "TEXT", maxLength: 64, nullable: false),
                    UserId = table.Column<string>(type: "TEXT", maxLength: 450, nullable: false),
                    ClaimedAt = table.Column<long>(type: "INTEGER", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_SignupCreditClaims", x => x.IdentityHash);
                });
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "SignupCreditClaims");
        }
    }
}
