using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using RecordsExchange.Core.Audit;

namespace RecordsExchange.Data.Configurations;

/// <summary>
/// The audit table. Its append-only guard lives in the migrations: SQLite triggers that abort
/// UPDATE and DELETE (see the Sqlite migration's AppendOnlyAuditSql).
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
        builder.HasIndex(e => e.SubjectKey);
        builder.HasIndex(e => e.ClientId);
    }
}
