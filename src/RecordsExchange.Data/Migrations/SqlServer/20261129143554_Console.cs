using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace RecordsExchange.Data.Migrations.SqlServer
{
    /// <inheritdoc />
    public partial class Console : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.CreateTable(
                name: "LedgerIndex",
                columns: table => new
                {
                    Sequence = table.Column<long>(type: "bigint", nullable: false),
                    RecordedAtMs = table.Column<long>(type: "bigint", nullable: false),
                    ClientId = table.Column<string>(type: "nvarchar(64)", maxLength: 64, nullable: true),
                    AgencyIdentifier = table.Column<string>(type: "nvarchar(32)", maxLength: 32, nullable: true),
                    Method = table.Column<string>(type: "nvarchar(128)", maxLength: 128, nullable: false),
                    Decision = table.Column<string>(type: "nvarchar(16)", maxLength: 16, nullable: false),
                    RuleId = table.Column<string>(type: "nvarchar(128)", maxLength: 128, nullable: true),
                    SubjectKey = table.Column<long>(type: "bigint", nullable: true),
                    OfficerId = table.Column<string>(type: "nvarchar(256)", maxLength: 256, nullable: true),
                    PolicyHash = table.Column<string>(type: "nvarchar(64)", maxLength: 64, nullable: true),
                    Anomaly = table.Column<bool>(type: "bit", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_LedgerIndex", x => x.Sequence);
                });

            migrationBuilder.CreateTable(
                name: "PolicyVersions",
                columns: table => new
                {
                    Sha256 = table.Column<string>(type: "nvarchar(64)", maxLength: 64, nullable: false),
                    Text = table.Column<string>(type: "nvarchar(max)", nullable: false),
                    FirstLoadedAt = table.Column<DateTimeOffset>(type: "datetimeoffset", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_PolicyVersions", x => x.Sha256);
                });

            migrationBuilder.CreateIndex(
                name: "IX_LedgerIndex_AgencyIdentifier_Sequence",
                table: "LedgerIndex",
                columns: new[] { "AgencyIdentifier", "Sequence" });

            migrationBuilder.CreateIndex(
                name: "IX_LedgerIndex_ClientId_Sequence",
                table: "LedgerIndex",
                columns: new[] { "ClientId", "Sequence" });

            migrationBuilder.CreateIndex(
                name: "IX_LedgerIndex_Decision_Sequence",
                table: "LedgerIndex",
                columns: new[] { "Decision", "Sequence" });

            migrationBuilder.CreateIndex(
                name: "IX_LedgerIndex_Method_Sequence",
                table: "LedgerIndex",
                columns: new[] { "Method", "Sequence" });

            migrationBuilder.CreateIndex(
                name: "IX_LedgerIndex_OfficerId_Sequence",
                table: "LedgerIndex",
                columns: new[] { "OfficerId", "Sequence" });

            migrationBuilder.CreateIndex(
                name: "IX_LedgerIndex_PolicyHash_Sequence",
                table: "LedgerIndex",
                columns: new[] { "PolicyHash", "Sequence" });

            migrationBuilder.CreateIndex(
                name: "IX_LedgerIndex_RecordedAtMs",
                table: "LedgerIndex",
                column: "RecordedAtMs");

            migrationBuilder.CreateIndex(
                name: "IX_LedgerIndex_RuleId_Sequence",
                table: "LedgerIndex",
                columns: new[] { "RuleId", "Sequence" });

            migrationBuilder.CreateIndex(
                name: "IX_LedgerIndex_SubjectKey_Sequence",
                table: "LedgerIndex",
                columns: new[] { "SubjectKey", "Sequence" });
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "LedgerIndex");

            migrationBuilder.DropTable(
                name: "PolicyVersions");
        }
    }
}
