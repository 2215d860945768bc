namespace RecordsExchange.Data;

/// <summary>
/// The database-level guards that make the audit table append-only, applied by the migrations.
/// Written by hand because EF Core has no model for triggers or ledger tables.
/// </summary>
public static class AppendOnlyAudit
{
    /// <summary>SQLite: triggers abort any UPDATE or DELETE on the audit and checkpoint tables.</summary>
    public const string SqliteTriggers = """
        CREATE TRIGGER AuditEntries_NoUpdate BEFORE UPDATE ON AuditEntries
        BEGIN SELECT RAISE(ABORT, 'AuditEntries is append-only: UPDATE is not allowed'); END;
        CREATE TRIGGER AuditEntries_NoDelete BEFORE DELETE ON AuditEntries
        BEGIN SELECT RAISE(ABORT, 'AuditEntries is append-only: DELETE is not allowed'); END;
        CREATE TRIGGER Checkpoints_NoUpdate BEFORE UPDATE ON Checkpoints
        BEGIN SELECT RAISE(ABORT, 'Checkpoints is append-only: UPDATE is not allowed'); END;
        CREATE TRIGGER Checkpoints_NoDelete BEFORE DELETE ON Checkpoints
        BEGIN SELECT RAISE(ABORT, 'Checkpoints is append-only: DELETE is not allowed'); END;
        """;

    /// <summary>
    /// SQL Server 2022 / Azure SQL: the audit table is an append-only ledger table, so the engine
    /// itself refuses UPDATE and DELETE and keeps its own tamper-evident digest of every insert.
    /// This is the table as the Initial migration creates it; later migrations only add nullable
    /// columns (which ledger tables allow). A test checks that together they give the model's columns.
    /// </summary>
    public const string SqlServerLedgerTable = """
        CREATE TABLE [AuditEntries] (
            [Sequence] bigint NOT NULL,
            [RecordedAt] datetimeoffset NOT NULL,
            [RequestId] nvarchar(64) NOT NULL,
            [TraceId] nvarchar(64) NULL,
            [Method] nvarchar(128) NOT NULL,
            [ClientId] nvarchar(64) NULL,
            [AgencyIdentifier] nvarchar(32) NULL,
            [CertificateThumbprint] nvarchar(64) NULL,
            [OfficerId] nvarchar(256) NULL,
            [OfficerName] nvarchar(256) NULL,
            [PurposeCode] nvarchar(256) NULL,
            [LegalBasis] nvarchar(64) NULL,
            [LegalDocumentNumber] nvarchar(256) NULL,
            [CaseNumber] nvarchar(256) NULL,
            [Justification] nvarchar(1000) NULL,
            [SubjectIdentifier] nvarchar(256) NULL,
            [SubjectKey] bigint NULL,
            [Decision] nvarchar(16) NOT NULL,
            [StatusCode] nvarchar(32) NOT NULL,
            [RuleId] nvarchar(128) NULL,
            [Reason] nvarchar(1000) NULL,
            [DisclosedFields] nvarchar(1000) NULL,
            [ResponseSha256] nvarchar(64) NULL,
            [PolicyHash] nvarchar(64) NULL,
            [Anomaly] nvarchar(1000) NULL,
            [Obligations] nvarchar(400) NULL,
            [CanonicalBytes] varbinary(8000) NOT NULL,
            [LeafHash] binary(32) NOT NULL,
            CONSTRAINT [PK_AuditEntries] PRIMARY KEY ([Sequence])
        ) WITH (LEDGER = ON (APPEND_ONLY = ON));
        """;

    /// <summary>SQL Server: signed checkpoints are kept in an append-only ledger table too.</summary>
    public const string SqlServerCheckpointsTable = """
        CREATE TABLE [Checkpoints] (
            [TreeSize] bigint NOT NULL,
            [RootHash] binary(32) NOT NULL,
            [Note] nvarchar(1000) NOT NULL,
            [SignedAt] datetimeoffset NOT NULL,
            CONSTRAINT [PK_Checkpoints] PRIMARY KEY ([TreeSize])
        ) WITH (LEDGER = ON (APPEND_ONLY = ON));
        """;

    /// <summary>The PostgreSQL role the server's login belongs to: everything on the records, but only INSERT and SELECT on the ledger.</summary>
    public const string PostgresServerRole = "recordsexchange_server";

    /// <summary>
    /// PostgreSQL: row triggers refuse UPDATE and DELETE on the audit and checkpoint tables, a statement
    /// trigger refuses TRUNCATE, and the server's role may only INSERT and SELECT there; the triggers
    /// belong to the tables' owner, the account that runs the migrations, which the server need not be
    /// (the README says how to give the server a login in that role only).
    /// </summary>
    public const string PostgresGuards = """
        CREATE FUNCTION recordsexchange_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN
            RAISE EXCEPTION '% is append-only: % is not allowed', TG_TABLE_NAME, TG_OP USING ERRCODE = 'insufficient_privilege';
        END $$;
        CREATE TRIGGER "AuditEntries_NoUpdateOrDelete" BEFORE UPDATE OR DELETE ON "AuditEntries" FOR EACH ROW EXECUTE FUNCTION recordsexchange_append_only();
        CREATE TRIGGER "AuditEntries_NoTruncate" BEFORE TRUNCATE ON "AuditEntries" FOR EACH STATEMENT EXECUTE FUNCTION recordsexchange_append_only();
        CREATE TRIGGER "Checkpoints_NoUpdateOrDelete" BEFORE UPDATE OR DELETE ON "Checkpoints" FOR EACH ROW EXECUTE FUNCTION recordsexchange_append_only();
        CREATE TRIGGER "Checkpoints_NoTruncate" BEFORE TRUNCATE ON "Checkpoints" FOR EACH STATEMENT EXECUTE FUNCTION recordsexchange_append_only();
        DO $$ BEGIN
            IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = 'recordsexchange_server') THEN CREATE ROLE recordsexchange_server NOLOGIN; END IF;
        END $$;
        GRANT USAGE ON SCHEMA public TO recordsexchange_server;
        GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA public TO recordsexchange_server;
        GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA public TO recordsexchange_server;
        ALTER DEFAULT PRIVILEGES IN SCHEMA public GRANT SELECT, INSERT, UPDATE, DELETE ON TABLES TO recordsexchange_server;
        ALTER DEFAULT PRIVILEGES IN SCHEMA public GRANT USAGE, SELECT ON SEQUENCES TO recordsexchange_server;
        REVOKE UPDATE, DELETE, TRUNCATE ON "AuditEntries", "Checkpoints" FROM recordsexchange_server;
        """;
}
