using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace RecordsExchange.Data.Migrations.Sqlite
{
    /// <inheritdoc />
    public partial class TransparencyFields : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<string>(
                name: "RaceEthnicity",
                table: "People",
                type: "TEXT",
                maxLength: 32,
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "Sex",
                table: "People",
                type: "TEXT",
                maxLength: 32,
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "CountyAction",
                table: "AuditEntries",
                type: "TEXT",
                maxLength: 32,
                nullable: true);

            migrationBuilder.AddColumn<DateTimeOffset>(
                name: "NoticeCreatedAt",
                table: "AuditEntries",
                type: "TEXT",
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "NoticeKind",
                table: "AuditEntries",
                type: "TEXT",
                maxLength: 32,
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "NoticeRecipient",
                table: "AuditEntries",
                type: "TEXT",
                maxLength: 16,
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "ReleaseKind",
                table: "AuditEntries",
                type: "TEXT",
                maxLength: 32,
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "RequestType",
                table: "AuditEntries",
                type: "TEXT",
                maxLength: 16,
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "SubjectAgeBand",
                table: "AuditEntries",
                type: "TEXT",
                maxLength: 16,
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "SubjectRaceEthnicity",
                table: "AuditEntries",
                type: "TEXT",
                maxLength: 32,
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "SubjectSex",
                table: "AuditEntries",
                type: "TEXT",
                maxLength: 32,
                nullable: true);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropColumn(
                name: "RaceEthnicity",
                table: "People");

            migrationBuilder.DropColumn(
                name: "Sex",
                table: "People");

            migrationBuilder.DropColumn(
                name: "CountyAction",
                table: "AuditEntries");

            migrationBuilder.DropColumn(
                name: "NoticeCreatedAt",
                table: "AuditEntries");

            migrationBuilder.DropColumn(
                name: "NoticeKind",
                table: "AuditEntries");

            migrationBuilder.DropColumn(
                name: "NoticeRecipient",
                table: "AuditEntries");

            migrationBuilder.DropColumn(
                name: "ReleaseKind",
                table: "AuditEntries");

            migrationBuilder.DropColumn(
                name: "RequestType",
                table: "AuditEntries");

            migrationBuilder.DropColumn(
                name: "SubjectAgeBand",
                table: "AuditEntries");

            migrationBuilder.DropColumn(
                name: "SubjectRaceEthnicity",
                table: "AuditEntries");

            migrationBuilder.DropColumn(
                name: "SubjectSex",
                table: "AuditEntries");
        }
    }
}
