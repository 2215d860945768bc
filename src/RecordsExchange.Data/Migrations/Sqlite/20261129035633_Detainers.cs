using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace RecordsExchange.Data.Migrations.Sqlite
{
    /// <inheritdoc />
    public partial class Detainers : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<string>(
                name: "ExternalId",
                table: "Charges",
                type: "TEXT",
                maxLength: 64,
                nullable: true);

            migrationBuilder.CreateTable(
                name: "Detainers",
                columns: table => new
                {
                    Id = table.Column<long>(type: "INTEGER", nullable: false)
                        .Annotation("Sqlite:Autoincrement", true),
                    ClientId = table.Column<string>(type: "TEXT", maxLength: 64, nullable: false),
                    AgencyIdentifier = table.Column<string>(type: "TEXT", maxLength: 32, nullable: false),
                    PersonId = table.Column<long>(type: "INTEGER", nullable: false),
                    BookingNumber = table.Column<string>(type: "TEXT", maxLength: 32, nullable: true),
                    RequestType = table.Column<string>(type: "TEXT", maxLength: 16, nullable: false),
                    IssuingOffice = table.Column<string>(type: "TEXT", maxLength: 100, nullable: false),
                    EventNumber = table.Column<string>(type: "TEXT", maxLength: 32, nullable: false),
                    FileNumber = table.Column<string>(type: "TEXT", maxLength: 32, nullable: false),
                    ProbableCauseBasis = table.Column<string>(type: "TEXT", maxLength: 64, nullable: false),
                    WarrantType = table.Column<string>(type: "TEXT", maxLength: 64, nullable: false),
                    LegalBasis = table.Column<string>(type: "TEXT", maxLength: 64, nullable: false),
                    LegalDocumentNumber = table.Column<string>(type: "TEXT", maxLength: 32, nullable: false),
                    PurposeCode = table.Column<string>(type: "TEXT", maxLength: 8, nullable: false),
                    ReceivedAt = table.Column<DateTimeOffset>(type: "TEXT", nullable: false),
                    Honored = table.Column<bool>(type: "INTEGER", nullable: false),
                    RuleId = table.Column<string>(type: "TEXT", maxLength: 128, nullable: false),
                    Reason = table.Column<string>(type: "TEXT", maxLength: 1000, nullable: false),
                    PolicyHash = table.Column<string>(type: "TEXT", maxLength: 64, nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_Detainers", x => x.Id);
                });

            migrationBuilder.CreateTable(
                name: "IngestEvents",
                columns: table => new
                {
                    EventId = table.Column<string>(type: "TEXT", maxLength: 64, nullable: false),
                    Method = table.Column<string>(type: "TEXT", maxLength: 64, nullable: false),
                    RequestSha256 = table.Column<string>(type: "TEXT", maxLength: 64, nullable: false),
                    AppliedAt = table.Column<DateTimeOffset>(type: "TEXT", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_IngestEvents", x => x.EventId);
                });

            migrationBuilder.CreateTable(
                name: "OutboxNotifications",
                columns: table => new
                {
                    Id = table.Column<long>(type: "INTEGER", nullable: false)
                        .Annotation("Sqlite:Autoincrement", true),
                    DetainerId = table.Column<long>(type: "INTEGER", nullable: false),
                    ClientId = table.Column<string>(type: "TEXT", maxLength: 64, nullable: false),
                    PersonId = table.Column<long>(type: "INTEGER", nullable: false),
                    BookingNumber = table.Column<string>(type: "TEXT", maxLength: 32, nullable: false),
                    ScheduledReleaseDate = table.Column<DateOnly>(type: "TEXT", nullable: false),
                    QueuedAt = table.Column<DateTimeOffset>(type: "TEXT", nullable: false),
                    RuleId = table.Column<string>(type: "TEXT", maxLength: 128, nullable: false),
                    PolicyHash = table.Column<string>(type: "TEXT", maxLength: 64, nullable: false),
                    State = table.Column<string>(type: "TEXT", maxLength: 16, nullable: false),
                    AcknowledgedAt = table.Column<DateTimeOffset>(type: "TEXT", nullable: true),
                    IngestEventId = table.Column<string>(type: "TEXT", maxLength: 64, nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_OutboxNotifications", x => x.Id);
                });

            migrationBuilder.CreateTable(
                name: "SubjectNotices",
                columns: table => new
                {
                    Id = table.Column<long>(type: "INTEGER", nullable: false)
                        .Annotation("Sqlite:Autoincrement", true),
                    PersonId = table.Column<long>(type: "INTEGER", nullable: false),
                    Kind = table.Column<string>(type: "TEXT", maxLength: 32, nullable: false),
                    DetainerId = table.Column<long>(type: "INTEGER", nullable: true),
                    NotificationId = table.Column<long>(type: "INTEGER", nullable: true),
                    BookingNumber = table.Column<string>(type: "TEXT", maxLength: 32, nullable: true),
                    CreatedAt = table.Column<DateTimeOffset>(type: "TEXT", nullable: false),
                    Agency = table.Column<string>(type: "TEXT", maxLength: 300, nullable: false),
                    RequestType = table.Column<string>(type: "TEXT", maxLength: 16, nullable: true),
                    WillComply = table.Column<bool>(type: "INTEGER", nullable: false),
                    Reason = table.Column<string>(type: "TEXT", maxLength: 1000, nullable: false),
                    ReleaseDate = table.Column<DateOnly>(type: "TEXT", nullable: true),
                    ServedAt = table.Column<DateTimeOffset>(type: "TEXT", nullable: true),
                    ServedBy = table.Column<string>(type: "TEXT", maxLength: 100, nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_SubjectNotices", x => x.Id);
                });

            migrationBuilder.CreateIndex(
                name: "IX_Charges_ExternalId",
                table: "Charges",
                column: "ExternalId",
                unique: true);

            migrationBuilder.CreateIndex(
                name: "IX_Detainers_PersonId",
                table: "Detainers",
                column: "PersonId");

            migrationBuilder.CreateIndex(
                name: "IX_OutboxNotifications_ClientId_State_Id",
                table: "OutboxNotifications",
                columns: new[] { "ClientId", "State", "Id" });

            migrationBuilder.CreateIndex(
                name: "IX_SubjectNotices_ServedAt",
                table: "SubjectNotices",
                column: "ServedAt");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "Detainers");

            migrationBuilder.DropTable(
                name: "IngestEvents");

            migrationBuilder.DropTable(
                name: "OutboxNotifications");

            migrationBuilder.DropTable(
                name: "SubjectNotices");

            migrationBuilder.DropIndex(
                name: "IX_Charges_ExternalId",
                table: "Charges");

            migrationBuilder.DropColumn(
                name: "ExternalId",
                table: "Charges");
        }
    }
}
