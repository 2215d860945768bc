using System;
using Microsoft.EntityFrameworkCore.Migrations;
using Npgsql.EntityFrameworkCore.PostgreSQL.Metadata;

#nullable disable

#pragma warning disable CA1814 // Prefer jagged arrays over multidimensional

namespace RecordsExchange.Data.Migrations.Postgres
{
    /// <inheritdoc />
    public partial class Initial : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.CreateTable(
                name: "AgencyClients",
                columns: table => new
                {
                    ClientId = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: false),
                    DisplayName = table.Column<string>(type: "character varying(200)", maxLength: 200, nullable: false),
                    AgencyIdentifier = table.Column<string>(type: "character varying(32)", maxLength: 32, nullable: false),
                    Status = table.Column<string>(type: "character varying(16)", maxLength: 16, nullable: false),
                    Scopes = table.Column<string>(type: "character varying(400)", maxLength: 400, nullable: false),
                    CreatedAt = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_AgencyClients", x => x.ClientId);
                });

            migrationBuilder.CreateTable(
                name: "AuditEntries",
                columns: table => new
                {
                    Sequence = table.Column<long>(type: "bigint", nullable: false),
                    RecordedAt = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    RequestId = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: false),
                    TraceId = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: true),
                    Method = table.Column<string>(type: "character varying(128)", maxLength: 128, nullable: false),
                    ClientId = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: true),
                    AgencyIdentifier = table.Column<string>(type: "character varying(32)", maxLength: 32, nullable: true),
                    CertificateThumbprint = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: true),
                    OfficerId = table.Column<string>(type: "character varying(256)", maxLength: 256, nullable: true),
                    OfficerName = table.Column<string>(type: "character varying(256)", maxLength: 256, nullable: true),
                    PurposeCode = table.Column<string>(type: "character varying(256)", maxLength: 256, nullable: true),
                    LegalBasis = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: true),
                    LegalDocumentNumber = table.Column<string>(type: "character varying(256)", maxLength: 256, nullable: true),
                    CaseNumber = table.Column<string>(type: "character varying(256)", maxLength: 256, nullable: true),
                    Justification = table.Column<string>(type: "character varying(1000)", maxLength: 1000, nullable: true),
                    SubjectIdentifier = table.Column<string>(type: "character varying(256)", maxLength: 256, nullable: true),
                    SubjectKey = table.Column<long>(type: "bigint", nullable: true),
                    Decision = table.Column<string>(type: "character varying(16)", maxLength: 16, nullable: false),
                    StatusCode = table.Column<string>(type: "character varying(32)", maxLength: 32, nullable: false),
                    RuleId = table.Column<string>(type: "character varying(128)", maxLength: 128, nullable: true),
                    Reason = table.Column<string>(type: "character varying(1000)", maxLength: 1000, nullable: true),
                    DisclosedFields = table.Column<string>(type: "character varying(1000)", maxLength: 1000, nullable: true),
                    ResponseSha256 = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: true),
                    PolicyHash = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: true),
                    Anomaly = table.Column<string>(type: "character varying(1000)", maxLength: 1000, nullable: true),
                    Obligations = table.Column<string>(type: "character varying(400)", maxLength: 400, nullable: true),
                    RequestType = table.Column<string>(type: "character varying(16)", maxLength: 16, nullable: true),
                    CountyAction = table.Column<string>(type: "character varying(32)", maxLength: 32, nullable: true),
                    SubjectSex = table.Column<string>(type: "character varying(32)", maxLength: 32, nullable: true),
                    SubjectAgeBand = table.Column<string>(type: "character varying(16)", maxLength: 16, nullable: true),
                    SubjectRaceEthnicity = table.Column<string>(type: "character varying(32)", maxLength: 32, nullable: true),
                    ReleaseKind = table.Column<string>(type: "character varying(32)", maxLength: 32, nullable: true),
                    NoticeKind = table.Column<string>(type: "character varying(32)", maxLength: 32, nullable: true),
                    NoticeRecipient = table.Column<string>(type: "character varying(16)", maxLength: 16, nullable: true),
                    NoticeCreatedAt = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: true),
                    InterviewRequestId = table.Column<long>(type: "bigint", nullable: true),
                    CanonicalBytes = table.Column<byte[]>(type: "bytea", maxLength: 8000, nullable: false),
                    LeafHash = table.Column<byte[]>(type: "bytea", fixedLength: true, maxLength: 32, nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_AuditEntries", x => x.Sequence);
                });

            migrationBuilder.CreateTable(
                name: "ChangeCounters",
                columns: table => new
                {
                    Name = table.Column<string>(type: "character varying(16)", maxLength: 16, nullable: false),
                    Value = table.Column<long>(type: "bigint", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_ChangeCounters", x => x.Name);
                });

            migrationBuilder.CreateTable(
                name: "Checkpoints",
                columns: table => new
                {
                    TreeSize = table.Column<long>(type: "bigint", nullable: false),
                    RootHash = table.Column<byte[]>(type: "bytea", fixedLength: true, maxLength: 32, nullable: false),
                    Note = table.Column<string>(type: "character varying(1000)", maxLength: 1000, nullable: false),
                    SignedAt = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_Checkpoints", x => x.TreeSize);
                });

            migrationBuilder.CreateTable(
                name: "Detainers",
                columns: table => new
                {
                    Id = table.Column<long>(type: "bigint", nullable: false)
                        .Annotation("Npgsql:ValueGenerationStrategy", NpgsqlValueGenerationStrategy.IdentityByDefaultColumn),
                    ClientId = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: false),
                    AgencyIdentifier = table.Column<string>(type: "character varying(32)", maxLength: 32, nullable: false),
                    PersonId = table.Column<long>(type: "bigint", nullable: false),
                    BookingNumber = table.Column<string>(type: "character varying(32)", maxLength: 32, nullable: true),
                    RequestType = table.Column<string>(type: "character varying(16)", maxLength: 16, nullable: false),
                    IssuingOffice = table.Column<string>(type: "character varying(100)", maxLength: 100, nullable: false),
                    EventNumber = table.Column<string>(type: "character varying(32)", maxLength: 32, nullable: false),
                    FileNumber = table.Column<string>(type: "character varying(32)", maxLength: 32, nullable: false),
                    ProbableCauseBasis = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: false),
                    WarrantType = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: false),
                    LegalBasis = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: false),
                    LegalDocumentNumber = table.Column<string>(type: "character varying(32)", maxLength: 32, nullable: false),
                    PurposeCode = table.Column<string>(type: "character varying(8)", maxLength: 8, nullable: false),
                    ReceivedAt = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    Honored = table.Column<bool>(type: "boolean", nullable: false),
                    RuleId = table.Column<string>(type: "character varying(128)", maxLength: 128, nullable: false),
                    Reason = table.Column<string>(type: "character varying(1000)", maxLength: 1000, nullable: false),
                    PolicyHash = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_Detainers", x => x.Id);
                });

            migrationBuilder.CreateTable(
                name: "IngestEvents",
                columns: table => new
                {
                    EventId = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: false),
                    Method = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: false),
                    RequestSha256 = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: false),
                    AppliedAt = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_IngestEvents", x => x.EventId);
                });

            migrationBuilder.CreateTable(
                name: "InterviewRequests",
                columns: table => new
                {
                    Id = table.Column<long>(type: "bigint", nullable: false)
                        .Annotation("Npgsql:ValueGenerationStrategy", NpgsqlValueGenerationStrategy.IdentityByDefaultColumn),
                    ClientId = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: false),
                    AgencyIdentifier = table.Column<string>(type: "character varying(32)", maxLength: 32, nullable: false),
                    Agency = table.Column<string>(type: "character varying(300)", maxLength: 300, nullable: false),
                    PersonId = table.Column<long>(type: "bigint", nullable: false),
                    BookingNumber = table.Column<string>(type: "character varying(32)", maxLength: 32, nullable: true),
                    Purpose = table.Column<string>(type: "character varying(500)", maxLength: 500, nullable: false),
                    WindowStart = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    WindowEnd = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    OfficerId = table.Column<string>(type: "character varying(32)", maxLength: 32, nullable: false),
                    OfficerName = table.Column<string>(type: "character varying(100)", maxLength: 100, nullable: false),
                    LegalBasis = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: false),
                    LegalDocumentNumber = table.Column<string>(type: "character varying(32)", maxLength: 32, nullable: true),
                    CaseNumber = table.Column<string>(type: "character varying(32)", maxLength: 32, nullable: false),
                    ReceivedAt = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    RuleId = table.Column<string>(type: "character varying(128)", maxLength: 128, nullable: false),
                    PolicyHash = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: false),
                    Status = table.Column<string>(type: "character varying(32)", maxLength: 32, nullable: false),
                    StatusChangedAt = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    AnsweredBy = table.Column<string>(type: "character varying(100)", maxLength: 100, nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_InterviewRequests", x => x.Id);
                });

            migrationBuilder.CreateTable(
                name: "LedgerIndex",
                columns: table => new
                {
                    Sequence = table.Column<long>(type: "bigint", nullable: false),
                    RecordedAtMs = table.Column<long>(type: "bigint", nullable: false),
                    ClientId = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: true),
                    AgencyIdentifier = table.Column<string>(type: "character varying(32)", maxLength: 32, nullable: true),
                    Method = table.Column<string>(type: "character varying(128)", maxLength: 128, nullable: false),
                    Decision = table.Column<string>(type: "character varying(16)", maxLength: 16, nullable: false),
                    RuleId = table.Column<string>(type: "character varying(128)", maxLength: 128, nullable: true),
                    SubjectKey = table.Column<long>(type: "bigint", nullable: true),
                    OfficerId = table.Column<string>(type: "character varying(256)", maxLength: 256, nullable: true),
                    PolicyHash = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: true),
                    Anomaly = table.Column<bool>(type: "boolean", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_LedgerIndex", x => x.Sequence);
                });

            migrationBuilder.CreateTable(
                name: "OpenIddictApplications",
                columns: table => new
                {
                    Id = table.Column<string>(type: "text", nullable: false),
                    ApplicationType = table.Column<string>(type: "character varying(50)", maxLength: 50, nullable: true),
                    ClientId = table.Column<string>(type: "character varying(100)", maxLength: 100, nullable: true),
                    ClientSecret = table.Column<string>(type: "text", nullable: true),
                    ClientType = table.Column<string>(type: "character varying(50)", maxLength: 50, nullable: true),
                    ConcurrencyToken = table.Column<string>(type: "character varying(50)", maxLength: 50, nullable: true),
                    ConsentType = table.Column<string>(type: "character varying(50)", maxLength: 50, nullable: true),
                    DisplayName = table.Column<string>(type: "text", nullable: true),
                    DisplayNames = table.Column<string>(type: "text", nullable: true),
                    JsonWebKeySet = table.Column<string>(type: "text", nullable: true),
                    Permissions = table.Column<string>(type: "text", nullable: true),
                    PostLogoutRedirectUris = table.Column<string>(type: "text", nullable: true),
                    Properties = table.Column<string>(type: "text", nullable: true),
                    RedirectUris = table.Column<string>(type: "text", nullable: true),
                    Requirements = table.Column<string>(type: "text", nullable: true),
                    Settings = table.Column<string>(type: "text", nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_OpenIddictApplications", x => x.Id);
                });

            migrationBuilder.CreateTable(
                name: "OpenIddictScopes",
                columns: table => new
                {
                    Id = table.Column<string>(type: "text", nullable: false),
                    ConcurrencyToken = table.Column<string>(type: "character varying(50)", maxLength: 50, nullable: true),
                    Description = table.Column<string>(type: "text", nullable: true),
                    Descriptions = table.Column<string>(type: "text", nullable: true),
                    DisplayName = table.Column<string>(type: "text", nullable: true),
                    DisplayNames = table.Column<string>(type: "text", nullable: true),
                    Name = table.Column<string>(type: "character varying(200)", maxLength: 200, nullable: true),
                    Properties = table.Column<string>(type: "text", nullable: true),
                    Resources = table.Column<string>(type: "text", nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_OpenIddictScopes", x => x.Id);
                });

            migrationBuilder.CreateTable(
                name: "OutboxNotifications",
                columns: table => new
                {
                    Id = table.Column<long>(type: "bigint", nullable: false)
                        .Annotation("Npgsql:ValueGenerationStrategy", NpgsqlValueGenerationStrategy.IdentityByDefaultColumn),
                    Kind = table.Column<string>(type: "character varying(16)", maxLength: 16, nullable: false, defaultValue: "ReleaseDate"),
                    DetainerId = table.Column<long>(type: "bigint", nullable: true),
                    ClientId = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: false),
                    PersonId = table.Column<long>(type: "bigint", nullable: false),
                    BookingNumber = table.Column<string>(type: "character varying(32)", maxLength: 32, nullable: true),
                    ScheduledReleaseDate = table.Column<DateOnly>(type: "date", nullable: true),
                    InterviewRequestId = table.Column<long>(type: "bigint", nullable: true),
                    InterviewStatus = table.Column<string>(type: "character varying(32)", maxLength: 32, nullable: true),
                    QueuedAt = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    RuleId = table.Column<string>(type: "character varying(128)", maxLength: 128, nullable: false),
                    PolicyHash = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: false),
                    State = table.Column<string>(type: "character varying(16)", maxLength: 16, nullable: false),
                    AcknowledgedAt = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: true),
                    IngestEventId = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_OutboxNotifications", x => x.Id);
                });

            migrationBuilder.CreateTable(
                name: "People",
                columns: table => new
                {
                    Id = table.Column<long>(type: "bigint", nullable: false)
                        .Annotation("Npgsql:ValueGenerationStrategy", NpgsqlValueGenerationStrategy.IdentityByDefaultColumn),
                    CountyPersonNumber = table.Column<string>(type: "character varying(32)", maxLength: 32, nullable: false),
                    FbiNumber = table.Column<string>(type: "character varying(32)", maxLength: 32, nullable: true),
                    StateId = table.Column<string>(type: "character varying(32)", maxLength: 32, nullable: true),
                    LastName = table.Column<string>(type: "character varying(100)", maxLength: 100, nullable: false),
                    FirstName = table.Column<string>(type: "character varying(100)", maxLength: 100, nullable: false),
                    DateOfBirth = table.Column<DateOnly>(type: "date", nullable: false),
                    LastNameKey = table.Column<string>(type: "character varying(100)", maxLength: 100, nullable: false),
                    FirstNameKey = table.Column<string>(type: "character varying(100)", maxLength: 100, nullable: false),
                    HomeAddress = table.Column<string>(type: "character varying(300)", maxLength: 300, nullable: true),
                    PhoneNumber = table.Column<string>(type: "character varying(40)", maxLength: 40, nullable: true),
                    Synthetic = table.Column<bool>(type: "boolean", nullable: false),
                    Language = table.Column<string>(type: "character varying(8)", maxLength: 8, nullable: false, defaultValue: "en"),
                    DesigneeName = table.Column<string>(type: "character varying(100)", maxLength: 100, nullable: true),
                    DesigneeContact = table.Column<string>(type: "character varying(300)", maxLength: 300, nullable: true),
                    DesigneeIsAttorney = table.Column<bool>(type: "boolean", nullable: false),
                    Sex = table.Column<string>(type: "character varying(32)", maxLength: 32, nullable: true),
                    RaceEthnicity = table.Column<string>(type: "character varying(32)", maxLength: 32, nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_People", x => x.Id);
                });

            migrationBuilder.CreateTable(
                name: "PolicyVersions",
                columns: table => new
                {
                    Sha256 = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: false),
                    Text = table.Column<string>(type: "text", nullable: false),
                    FirstLoadedAt = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_PolicyVersions", x => x.Sha256);
                });

            migrationBuilder.CreateTable(
                name: "SubjectNotices",
                columns: table => new
                {
                    Id = table.Column<long>(type: "bigint", nullable: false)
                        .Annotation("Npgsql:ValueGenerationStrategy", NpgsqlValueGenerationStrategy.IdentityByDefaultColumn),
                    PersonId = table.Column<long>(type: "bigint", nullable: false),
                    Kind = table.Column<string>(type: "character varying(32)", maxLength: 32, nullable: false),
                    Recipient = table.Column<string>(type: "character varying(16)", maxLength: 16, nullable: false, defaultValue: "Person"),
                    RecipientName = table.Column<string>(type: "character varying(100)", maxLength: 100, nullable: true),
                    RecipientContact = table.Column<string>(type: "character varying(300)", maxLength: 300, nullable: true),
                    DetainerId = table.Column<long>(type: "bigint", nullable: true),
                    NotificationId = table.Column<long>(type: "bigint", nullable: true),
                    InterviewRequestId = table.Column<long>(type: "bigint", nullable: true),
                    BookingNumber = table.Column<string>(type: "character varying(32)", maxLength: 32, nullable: true),
                    CreatedAt = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    Agency = table.Column<string>(type: "character varying(300)", maxLength: 300, nullable: false),
                    RequestType = table.Column<string>(type: "character varying(16)", maxLength: 16, nullable: true),
                    WillComply = table.Column<bool>(type: "boolean", nullable: false),
                    Reason = table.Column<string>(type: "character varying(1000)", maxLength: 1000, nullable: false),
                    ReleaseDate = table.Column<DateOnly>(type: "date", nullable: true),
                    ServedAt = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: true),
                    ServedBy = table.Column<string>(type: "character varying(100)", maxLength: 100, nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_SubjectNotices", x => x.Id);
                });

            migrationBuilder.CreateTable(
                name: "AgencyCertificates",
                columns: table => new
                {
                    Thumbprint = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: false),
                    ClientId = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: false),
                    Subject = table.Column<string>(type: "character varying(400)", maxLength: 400, nullable: false),
                    NotBefore = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    NotAfter = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    Status = table.Column<string>(type: "character varying(16)", maxLength: 16, nullable: false),
                    AddedAt = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_AgencyCertificates", x => x.Thumbprint);
                    table.ForeignKey(
                        name: "FK_AgencyCertificates_AgencyClients_ClientId",
                        column: x => x.ClientId,
                        principalTable: "AgencyClients",
                        principalColumn: "ClientId",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateTable(
                name: "OpenIddictAuthorizations",
                columns: table => new
                {
                    Id = table.Column<string>(type: "text", nullable: false),
                    ApplicationId = table.Column<string>(type: "text", nullable: true),
                    ConcurrencyToken = table.Column<string>(type: "character varying(50)", maxLength: 50, nullable: true),
                    CreationDate = table.Column<DateTime>(type: "timestamp with time zone", nullable: true),
                    Properties = table.Column<string>(type: "text", nullable: true),
                    Scopes = table.Column<string>(type: "text", nullable: true),
                    Status = table.Column<string>(type: "character varying(50)", maxLength: 50, nullable: true),
                    Subject = table.Column<string>(type: "character varying(400)", maxLength: 400, nullable: true),
                    Type = table.Column<string>(type: "character varying(50)", maxLength: 50, nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_OpenIddictAuthorizations", x => x.Id);
                    table.ForeignKey(
                        name: "FK_OpenIddictAuthorizations_OpenIddictApplications_Application~",
                        column: x => x.ApplicationId,
                        principalTable: "OpenIddictApplications",
                        principalColumn: "Id");
                });

            migrationBuilder.CreateTable(
                name: "Bookings",
                columns: table => new
                {
                    Id = table.Column<long>(type: "bigint", nullable: false)
                        .Annotation("Npgsql:ValueGenerationStrategy", NpgsqlValueGenerationStrategy.IdentityByDefaultColumn),
                    PersonId = table.Column<long>(type: "bigint", nullable: false),
                    BookingNumber = table.Column<string>(type: "character varying(32)", maxLength: 32, nullable: false),
                    BookedAt = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    Custody = table.Column<string>(type: "character varying(16)", maxLength: 16, nullable: false),
                    ScheduledReleaseDate = table.Column<DateOnly>(type: "date", nullable: true),
                    ReleasedAt = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_Bookings", x => x.Id);
                    table.ForeignKey(
                        name: "FK_Bookings_People_PersonId",
                        column: x => x.PersonId,
                        principalTable: "People",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateTable(
                name: "OpenIddictTokens",
                columns: table => new
                {
                    Id = table.Column<string>(type: "text", nullable: false),
                    ApplicationId = table.Column<string>(type: "text", nullable: true),
                    AuthorizationId = table.Column<string>(type: "text", nullable: true),
                    ConcurrencyToken = table.Column<string>(type: "character varying(50)", maxLength: 50, nullable: true),
                    CreationDate = table.Column<DateTime>(type: "timestamp with time zone", nullable: true),
                    ExpirationDate = table.Column<DateTime>(type: "timestamp with time zone", nullable: true),
                    Payload = table.Column<string>(type: "text", nullable: true),
                    Properties = table.Column<string>(type: "text", nullable: true),
                    RedemptionDate = table.Column<DateTime>(type: "timestamp with time zone", nullable: true),
                    ReferenceId = table.Column<string>(type: "character varying(100)", maxLength: 100, nullable: true),
                    Status = table.Column<string>(type: "character varying(50)", maxLength: 50, nullable: true),
                    Subject = table.Column<string>(type: "character varying(400)", maxLength: 400, nullable: true),
                    Type = table.Column<string>(type: "character varying(150)", maxLength: 150, nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_OpenIddictTokens", x => x.Id);
                    table.ForeignKey(
                        name: "FK_OpenIddictTokens_OpenIddictApplications_ApplicationId",
                        column: x => x.ApplicationId,
                        principalTable: "OpenIddictApplications",
                        principalColumn: "Id");
                    table.ForeignKey(
                        name: "FK_OpenIddictTokens_OpenIddictAuthorizations_AuthorizationId",
                        column: x => x.AuthorizationId,
                        principalTable: "OpenIddictAuthorizations",
                        principalColumn: "Id");
                });

            migrationBuilder.CreateTable(
                name: "Charges",
                columns: table => new
                {
                    Id = table.Column<long>(type: "bigint", nullable: false)
                        .Annotation("Npgsql:ValueGenerationStrategy", NpgsqlValueGenerationStrategy.IdentityByDefaultColumn),
                    PersonId = table.Column<long>(type: "bigint", nullable: false),
                    BookingId = table.Column<long>(type: "bigint", nullable: true),
                    ExternalId = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: true),
                    Statute = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: false),
                    Description = table.Column<string>(type: "character varying(200)", maxLength: 200, nullable: false),
                    Category = table.Column<string>(type: "character varying(32)", maxLength: 32, nullable: false),
                    Level = table.Column<string>(type: "character varying(16)", maxLength: 16, nullable: false),
                    SeriousFelony = table.Column<bool>(type: "boolean", nullable: false),
                    ViolentFelony = table.Column<bool>(type: "boolean", nullable: false),
                    StatePrisonEligible = table.Column<bool>(type: "boolean", nullable: false),
                    OffenseDate = table.Column<DateOnly>(type: "date", nullable: false),
                    ProbableCauseFound = table.Column<bool>(type: "boolean", nullable: false),
                    DispositionResult = table.Column<string>(type: "character varying(16)", maxLength: 16, nullable: true),
                    DispositionDate = table.Column<DateOnly>(type: "date", nullable: true),
                    ConvictedLevel = table.Column<string>(type: "character varying(16)", maxLength: 16, nullable: true),
                    Prop47Reduced = table.Column<bool>(type: "boolean", nullable: true),
                    Sentence = table.Column<string>(type: "character varying(16)", maxLength: 16, nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_Charges", x => x.Id);
                    table.ForeignKey(
                        name: "FK_Charges_Bookings_BookingId",
                        column: x => x.BookingId,
                        principalTable: "Bookings",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Restrict);
                    table.ForeignKey(
                        name: "FK_Charges_People_PersonId",
                        column: x => x.PersonId,
                        principalTable: "People",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.InsertData(
                table: "ChangeCounters",
                columns: new[] { "Name", "Value" },
                values: new object[,]
                {
                    { "clients", 0L },
                    { "records", 0L }
                });

            migrationBuilder.CreateIndex(
                name: "IX_AgencyCertificates_ClientId",
                table: "AgencyCertificates",
                column: "ClientId");

            migrationBuilder.CreateIndex(
                name: "IX_AuditEntries_SubjectKey",
                table: "AuditEntries",
                column: "SubjectKey");

            migrationBuilder.CreateIndex(
                name: "IX_Bookings_BookingNumber",
                table: "Bookings",
                column: "BookingNumber",
                unique: true);

            migrationBuilder.CreateIndex(
                name: "IX_Bookings_PersonId",
                table: "Bookings",
                column: "PersonId");

            migrationBuilder.CreateIndex(
                name: "IX_Charges_BookingId",
                table: "Charges",
                column: "BookingId");

            migrationBuilder.CreateIndex(
                name: "IX_Charges_ExternalId",
                table: "Charges",
                column: "ExternalId",
                unique: true);

            migrationBuilder.CreateIndex(
                name: "IX_Charges_PersonId",
                table: "Charges",
                column: "PersonId");

            migrationBuilder.CreateIndex(
                name: "IX_Detainers_PersonId",
                table: "Detainers",
                column: "PersonId");

            migrationBuilder.CreateIndex(
                name: "IX_InterviewRequests_PersonId",
                table: "InterviewRequests",
                column: "PersonId");

            migrationBuilder.CreateIndex(
                name: "IX_InterviewRequests_Status",
                table: "InterviewRequests",
                column: "Status");

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

            migrationBuilder.CreateIndex(
                name: "IX_OpenIddictApplications_ClientId",
                table: "OpenIddictApplications",
                column: "ClientId",
                unique: true);

            migrationBuilder.CreateIndex(
                name: "IX_OpenIddictAuthorizations_ApplicationId_Status_Subject_Type",
                table: "OpenIddictAuthorizations",
                columns: new[] { "ApplicationId", "Status", "Subject", "Type" });

            migrationBuilder.CreateIndex(
                name: "IX_OpenIddictScopes_Name",
                table: "OpenIddictScopes",
                column: "Name",
                unique: true);

            migrationBuilder.CreateIndex(
                name: "IX_OpenIddictTokens_ApplicationId_Status_Subject_Type",
                table: "OpenIddictTokens",
                columns: new[] { "ApplicationId", "Status", "Subject", "Type" });

            migrationBuilder.CreateIndex(
                name: "IX_OpenIddictTokens_AuthorizationId",
                table: "OpenIddictTokens",
                column: "AuthorizationId");

            migrationBuilder.CreateIndex(
                name: "IX_OpenIddictTokens_ReferenceId",
                table: "OpenIddictTokens",
                column: "ReferenceId",
                unique: true);

            migrationBuilder.CreateIndex(
                name: "IX_OutboxNotifications_ClientId_State_Id",
                table: "OutboxNotifications",
                columns: new[] { "ClientId", "State", "Id" });

            migrationBuilder.CreateIndex(
                name: "IX_People_CountyPersonNumber",
                table: "People",
                column: "CountyPersonNumber",
                unique: true);

            migrationBuilder.CreateIndex(
                name: "IX_People_FbiNumber",
                table: "People",
                column: "FbiNumber",
                unique: true);

            migrationBuilder.CreateIndex(
                name: "IX_People_LastNameKey_FirstNameKey_DateOfBirth",
                table: "People",
                columns: new[] { "LastNameKey", "FirstNameKey", "DateOfBirth" });

            migrationBuilder.CreateIndex(
                name: "IX_People_StateId",
                table: "People",
                column: "StateId",
                unique: true);

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
                name: "IX_SubjectNotices_ServedAt",
                table: "SubjectNotices",
                column: "ServedAt");

            // EF Core has no model for triggers or grants: the ledger tables' append-only guards and the
            // server's role (AppendOnlyAudit), and the change counters' triggers (Data.ChangeCounters).
            migrationBuilder.Sql(AppendOnlyAudit.PostgresGuards);
            foreach (var trigger in Data.ChangeCounters.PostgresTriggers())
            {
                migrationBuilder.Sql(trigger);
            }
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.Sql("DROP FUNCTION IF EXISTS recordsexchange_append_only() CASCADE; DROP FUNCTION IF EXISTS recordsexchange_count_change() CASCADE;");

            migrationBuilder.DropTable(
                name: "AgencyCertificates");

            migrationBuilder.DropTable(
                name: "AuditEntries");

            migrationBuilder.DropTable(
                name: "ChangeCounters");

            migrationBuilder.DropTable(
                name: "Charges");

            migrationBuilder.DropTable(
                name: "Checkpoints");

            migrationBuilder.DropTable(
                name: "Detainers");

            migrationBuilder.DropTable(
                name: "IngestEvents");

            migrationBuilder.DropTable(
                name: "InterviewRequests");

            migrationBuilder.DropTable(
                name: "LedgerIndex");

            migrationBuilder.DropTable(
                name: "OpenIddictScopes");

            migrationBuilder.DropTable(
                name: "OpenIddictTokens");

            migrationBuilder.DropTable(
                name: "OutboxNotifications");

            migrationBuilder.DropTable(
                name: "PolicyVersions");

            migrationBuilder.DropTable(
                name: "SubjectNotices");

            migrationBuilder.DropTable(
                name: "AgencyClients");

            migrationBuilder.DropTable(
                name: "Bookings");

            migrationBuilder.DropTable(
                name: "OpenIddictAuthorizations");

            migrationBuilder.DropTable(
                name: "People");

            migrationBuilder.DropTable(
                name: "OpenIddictApplications");
        }
    }
}
