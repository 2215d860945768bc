using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using RecordsExchange.Core.Audit;

namespace RecordsExchange.Data.Configurations;

/// <summary>
/// The audit table. Its append-only guard lives in the migrations (see <see cref="AppendOnlyAudit"/>):
/// SQLite triggers that abort UPDATE and DELETE, and an append-only ledger table on SQL Server.
/// </summary>
internal sealed class AuditEntryConfiguration : IEntityTypeConfiguration<AuditEntry>
{
    public const string TableName = "AuditEntries";

    public void Configure(EntityTypeBuilder<AuditEntry> builder)
    {
        builder.ToTable(TableName);
        builder.HasKey(e => e.Sequence);
        // The ledger assigns sequence numbers itself so that they are gapless.
        builder.Property(e => e.Sequence).ValueGeneratedNever();
        builder.Property(e => e.RequestId).HasMaxLength(64);
        builder.Property(e => e.TraceId).HasMaxLength(64);
        builder.Property(e => e.Method).HasMaxLength(128);
        builder.Property(e => e.ClientId).HasMaxLength(64);
        builder.Property(e => e.AgencyIdentifier).HasMaxLength(32);
        builder.Property(e => e.CertificateThumbprint).HasMaxLength(64);
        builder.Property(e => e.OfficerId).HasMaxLength(256);
        builder.Property(e => e.OfficerName).HasMaxLength(256);
        builder.Property(e => e.PurposeCode).HasMaxLength(256);
        builder.Property(e => e.LegalBasis).HasMaxLength(64);
        builder.Property(e => e.LegalDocumentNumber).HasMaxLength(256);
        builder.Property(e => e.CaseNumber).HasMaxLength(256);
        builder.Property(e => e.Justification).HasMaxLength(1000);
        builder.Property(e => e.SubjectIdentifier).HasMaxLength(256);
        builder.Property(e => e.Decision).HasConversion<string>().HasMaxLength(16);
        builder.Property(e => e.StatusCode).HasMaxLength(32);
        builder.Property(e => e.RuleId).HasMaxLength(128);
        builder.Property(e => e.Reason).HasMaxLength(1000);
        builder.Property(e => e.DisclosedFields).HasMaxLength(1000);
        builder.Property(e => e.ResponseSha256).HasMaxLength(64);
        builder.Property(e => e.PolicyHash).HasMaxLength(64);
        builder.Property(e => e.Anomaly).HasMaxLength(1000);
        builder.Property(e => e.Obligations).HasMaxLength(400);
        builder.Property(e => e.RequestType).HasMaxLength(16);
        builder.Property(e => e.CountyAction).HasMaxLength(32);
        builder.Property(e => e.SubjectSex).HasMaxLength(32);
        builder.Property(e => e.SubjectAgeBand).HasMaxLength(16);
        builder.Property(e => e.SubjectRaceEthnicity).HasMaxLength(32);
        builder.Property(e => e.ReleaseKind).HasMaxLength(32);
        builder.Property(e => e.NoticeKind).HasMaxLength(32);
        builder.Property(e => e.NoticeRecipient).HasMaxLength(16);
        builder.Property(e => e.CanonicalBytes).HasMaxLength(8000);
        builder.Property(e => e.LeafHash).HasMaxLength(32).IsFixedLength();
        // The one secondary index the hot insert pays for: a person's subject access report is chosen
        // from this append-only table itself, never from the console's rebuildable read model, which has
        // no guard against a deleted row. Every other filter (client, method, rule...) is the read model's.
        builder.HasIndex(e => e.SubjectKey);
    }
}

internal sealed class StoredCheckpointConfiguration : IEntityTypeConfiguration<Core.Ledger.StoredCheckpoint>
{
    public void Configure(EntityTypeBuilder<Core.Ledger.StoredCheckpoint> builder)
    {
        builder.ToTable("Checkpoints");
        builder.HasKey(c => c.TreeSize);
        builder.Property(c => c.TreeSize).ValueGeneratedNever();
        builder.Property(c => c.RootHash).HasMaxLength(32).IsFixedLength();
        builder.Property(c => c.Note).HasMaxLength(1000);
    }
}
