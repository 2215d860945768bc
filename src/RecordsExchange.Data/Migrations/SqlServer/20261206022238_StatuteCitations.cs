using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace RecordsExchange.Data.Migrations.SqlServer
{
    /// <inheritdoc />
    public partial class StatuteCitations : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<bool>(
                name: "SexArsonRegistrant",
                table: "People",
                type: "bit",
                nullable: false,
                defaultValue: false);

            migrationBuilder.AddColumn<string>(
                name: "FederalFelonyWarrantNumber",
                table: "Detainers",
                type: "nvarchar(32)",
                maxLength: 32,
                nullable: true);

            migrationBuilder.AddColumn<bool>(
                name: "FederalAggravatedFelony",
                table: "Charges",
                type: "bit",
                nullable: false,
                defaultValue: false);

            migrationBuilder.AddColumn<string>(
                name: "StatuteCode",
                table: "Charges",
                type: "nvarchar(16)",
                maxLength: 16,
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "StatuteSection",
                table: "Charges",
                type: "nvarchar(32)",
                maxLength: 32,
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "StatuteSubdivision",
                table: "Charges",
                type: "nvarchar(32)",
                maxLength: 32,
                nullable: true);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropColumn(
                name: "SexArsonRegistrant",
                table: "People");

            migrationBuilder.DropColumn(
                name: "FederalFelonyWarrantNumber",
                table: "Detainers");

            migrationBuilder.DropColumn(
                name: "FederalAggravatedFelony",
                table: "Charges");

            migrationBuilder.DropColumn(
                name: "StatuteCode",
                table: "Charges");

            migrationBuilder.DropColumn(
                name: "StatuteSection",
                table: "Charges");

            migrationBuilder.DropColumn(
                name: "StatuteSubdivision",
                table: "Charges");
        }
    }
}
