using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace RecordsExchange.Data.Migrations.Sqlite
{
    /// <inheritdoc />
    public partial class Interviews : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropIndex(
                name: "IX_SubjectNotices_NotificationId_Kind",
                table: "SubjectNotices");

            migrationBuilder.AddColumn<long>(
                name: "InterviewRequestId",
                table: "SubjectNotices",
                type: "INTEGER",
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "Recipient",
                table: "SubjectNotices",
                type: "TEXT",
                maxLength: 16,
                nullable: false,
                defaultValue: "Person");

            migrationBuilder.AddColumn<string>(
                name: "RecipientContact",
                table: "SubjectNotices",
                type: "TEXT",
                maxLength: 300,
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "RecipientName",
                table: "SubjectNotices",
                type: "TEXT",
                maxLength: 100,
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "DesigneeContact",
                table: "People",
                type: "TEXT",
                maxLength: 300,
                nullable: true);

            migrationBuilder.AddColumn<bool>(
                name: "DesigneeIsAttorney",
                table: "People",
                type: "INTEGER",
                nullable: false,
                defaultValue: false);

            migrationBuilder.AddColumn<string>(
                name: "DesigneeName",
                table: "People",
                type: "TEXT",
                maxLength: 100,
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "Language",
                table: "People",
                type: "TEXT",
                maxLength: 8,
                nullable: false,
                defaultValue: "en");

            migrationBuilder.AlterColumn<DateOnly>(
                name: "ScheduledReleaseDate",
                table: "OutboxNotifications",
                type: "TEXT",
                nullable: true,
                oldClrType: typeof(DateOnly),
                oldType: "TEXT");

            migrationBuilder.AlterColumn<long>(
                name: "DetainerId",
                table: "OutboxNotifications",
                type: "INTEGER",
                nullable: true,
                oldClrType: typeof(long),
                oldType: "INTEGER");

            migrationBuilder.AlterColumn<string>(
                name: "BookingNumber",
                table: "OutboxNotifications",
                type: "TEXT",
                maxLength: 32,
                nullable: true,
                oldClrType: typeof(string),
                oldType: "TEXT",
                oldMaxLength: 32);

            migrationBuilder.AddColumn<long>(
                name: "InterviewRequestId",
                table: "OutboxNotifications",
                type: "INTEGER",
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "InterviewStatus",
                table: "OutboxNotifications",
                type: "TEXT",
                maxLength: 32,
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "Kind",
                table: "OutboxNotifications",
                type: "TEXT",
                maxLength: 16,
                nullable: false,
                defaultValue: "ReleaseDate");

            migrationBuilder.CreateTable(
                name: "InterviewRequests",
                columns: table => new
                {
                    Id = table.Column<long>(type: "INTEGER", nullable: false)
                        .Annotation("Sqlite:Autoincrement", true),
                    ClientId = table.Column<string>(type: "TEXT", maxLength: 64, nullable: false),
                    AgencyIdentifier = table.Column<string>(type: "TEXT", maxLength: 32, nullable: false),
                    Agency = table.Column<string>(type: "TEXT", maxLength: 300, nullable: false),
                    PersonId = table.Column<long>(type: "INTEGER", nullable: false),
                    BookingNumber = table.Column<string>(type: "TEXT", maxLength: 32, nullable: true),
                    Purpose = table.Column<string>(type: "TEXT", maxLength: 500, nullable: false),
                    WindowStart = table.Column<DateTimeOffset>(type: "TEXT", nullable: false),
                    WindowEnd = table.Column<DateTimeOffset>(type: "TEXT", nullable: false),
                    OfficerId = table.Column<string>(type: "TEXT", maxLength: 32, nullable: false),
                    OfficerName = table.Column<string>(type: "TEXT", maxLength: 100, nullable: false),
                    LegalBasis = table.Column<string>(type: "TEXT", maxLength: 64, nullable: false),
                    LegalDocumentNumber = table.Column<string>(type: "TEXT", maxLength: 32, nullable: true),
                    CaseNumber = table.Column<string>(type: "TEXT", maxLength: 32, nullable: false),
                    ReceivedAt = table.Column<DateTimeOffset>(type: "TEXT", nullable: false),
                    RuleId = table.Column<string>(type: "TEXT", maxLength: 128, nullable: false),
                    PolicyHash = table.Column<string>(type: "TEXT", maxLength: 64, nullable: false),
                    Status = table.Column<string>(type: "TEXT", maxLength: 32, nullable: false),
                    StatusChangedAt = table.Column<DateTimeOffset>(type: "TEXT", nullable: false),
                    AnsweredBy = table.Column<string>(type: "TEXT", maxLength: 100, nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_InterviewRequests", x => x.Id);
                });

            migrationBuilder.CreateIndex(
                name: "IX_SubjectNotices_InterviewRequestId",
                table: "SubjectNotices",
                column: "InterviewRequestId");

            migrationBuilder.CreateIndex(
                name: "IX_SubjectNotices_NotificationId_Kind_Recipient",
                table: "SubjectNotices",
                columns: new[] { "NotificationId", "Kind", "Recipient" },
                unique: true);

            migrationBuilder.CreateIndex(
                name: "IX_InterviewRequests_PersonId",
                table: "InterviewRequests",
                column: "PersonId");

            migrationBuilder.CreateIndex(
                name: "IX_InterviewRequests_Status",
                table: "InterviewRequests",
                column: "Status");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "InterviewRequests");

            migrationBuilder.DropIndex(
                name: "IX_SubjectNotices_InterviewRequestId",
                table: "SubjectNotices");

            migrationBuilder.DropIndex(
                name: "IX_SubjectNotices_NotificationId_Kind_Recipient",
                table: "SubjectNotices");

            migrationBuilder.DropColumn(
                name: "InterviewRequestId",
                table: "SubjectNotices");

            migrationBuilder.DropColumn(
                name: "Recipient",
                table: "SubjectNotices");

            migrationBuilder.DropColumn(
                name: "RecipientContact",
                table: "SubjectNotices");

            migrationBuilder.DropColumn(
                name: "RecipientName",
                table: "SubjectNotices");

            migrationBuilder.DropColumn(
                name: "DesigneeContact",
                table: "People");

            migrationBuilder.DropColumn(
                name: "DesigneeIsAttorney",
                table: "People");

            migrationBuilder.DropColumn(
                name: "DesigneeName",
                table: "People");

            migrationBuilder.DropColumn(
                name: "Language",
                table: "People");

            migrationBuilder.DropColumn(
                name: "InterviewRequestId",
                table: "OutboxNotifications");

            migrationBuilder.DropColumn(
                name: "InterviewStatus",
                table: "OutboxNotifications");

            migrationBuilder.DropColumn(
                name: "Kind",
                table: "OutboxNotifications");

            migrationBuilder.AlterColumn<DateOnly>(
                name: "ScheduledReleaseDate",
                table: "OutboxNotifications",
                type: "TEXT",
                nullable: false,
                defaultValue: new DateOnly(1, 1, 1),
                oldClrType: typeof(DateOnly),
                oldType: "TEXT",
                oldNullable: true);

            migrationBuilder.AlterColumn<long>(
                name: "DetainerId",
                table: "OutboxNotifications",
                type: "INTEGER",
                nullable: false,
                defaultValue: 0L,
                oldClrType: typeof(long),
                oldType: "INTEGER",
                oldNullable: true);

            migrationBuilder.AlterColumn<string>(
                name: "BookingNumber",
                table: "OutboxNotifications",
                type: "TEXT",
                maxLength: 32,
                nullable: false,
                defaultValue: "",
                oldClrType: typeof(string),
                oldType: "TEXT",
                oldMaxLength: 32,
                oldNullable: true);

            migrationBuilder.CreateIndex(
                name: "IX_SubjectNotices_NotificationId_Kind",
                table: "SubjectNotices",
                columns: new[] { "NotificationId", "Kind" },
                unique: true);
        }
    }
}
