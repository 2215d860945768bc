using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace RecordsExchange.Data.Migrations.Sqlite
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
                type: "INTEGER",
                nullable: false,
                defaultValue: false);

            migrationBuilder.AddColumn<string>(
                name: "FederalFelonyWarrantNumber",
                table: "Detainers",
                type: "TEXT",
                maxLength: 32,
                nullable: true);

            migrationBuilder.AddColumn<bool>(
                name: "FederalAggravatedFelony",
                table: "Charges",
                type: "INTEGER",
                nullable: false,
                defaultValue: false);

            migrationBuilder.AddColumn<string>(
                name: "StatuteCode",
                table: "Charges",
                type: "TEXT",
                maxLength: 16,
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "StatuteSection",
                table: "Charges",
                type: "TEXT",
                maxLength: 32,
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "StatuteSubdivision",
                table: "Charges",
                type: "TEXT",
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
