using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace RecordsExchange.Data.Migrations.SqlServer
{
    /// <inheritdoc />
    public partial class LeanAuditTable : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropIndex(
                name: "IX_AuditEntries_ClientId",
                table: "AuditEntries");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.CreateIndex(
                name: "IX_AuditEntries_ClientId",
                table: "AuditEntries",
                column: "ClientId");
        }
    }
}
