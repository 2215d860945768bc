using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using RecordsExchange.Core.Detainers;
using RecordsExchange.Core.Interviews;

namespace RecordsExchange.Data.Configurations;

internal sealed class DetainerConfiguration : IEntityTypeConfiguration<Detainer>
{
    public void Configure(EntityTypeBuilder<Detainer> builder)
    {
        builder.HasKey(d => d.Id);
        builder.Property(d => d.ClientId).HasMaxLength(64);
        builder.Property(d => d.AgencyIdentifier).HasMaxLength(32);
        builder.Property(d => d.BookingNumber).HasMaxLength(32);
        builder.Property(d => d.RequestType).HasConversion<string>().HasMaxLength(16);
        builder.Property(d => d.IssuingOffice).HasMaxLength(100);
        builder.Property(d => d.EventNumber).HasMaxLength(32);
        builder.Property(d => d.FileNumber).HasMaxLength(32);
        builder.Property(d => d.ProbableCauseBasis).HasMaxLength(64);
        builder.Property(d => d.WarrantType).HasMaxLength(64);
        builder.Property(d => d.LegalBasis).HasMaxLength(64);
        builder.Property(d => d.LegalDocumentNumber).HasMaxLength(32);
        builder.Property(d => d.PurposeCode).HasMaxLength(8);
        builder.Property(d => d.FederalFelonyWarrantNumber).HasMaxLength(32);
        builder.Property(d => d.RuleId).HasMaxLength(128);
        builder.Property(d => d.Reason).HasMaxLength(1000);
        builder.Property(d => d.PolicyHash).HasMaxLength(64);
        builder.HasIndex(d => d.PersonId);
    }
}

internal sealed class SubjectNoticeConfiguration : IEntityTypeConfiguration<SubjectNotice>
{
    public void Configure(EntityTypeBuilder<SubjectNotice> builder)
    {
        builder.HasKey(n => n.Id);
        builder.Property(n => n.Kind).HasConversion<string>().HasMaxLength(32);
        builder.Property(n => n.RequestType).HasConversion<string>().HasMaxLength(16);
        builder.Property(n => n.Agency).HasMaxLength(300);
        builder.Property(n => n.BookingNumber).HasMaxLength(32);
        builder.Property(n => n.Reason).HasMaxLength(1000);
        builder.Property(n => n.FederalFelonyWarrantNumber).HasMaxLength(32);
        builder.Property(n => n.ServedBy).HasMaxLength(100);
        builder.Property(n => n.Recipient).HasConversion<string>().HasMaxLength(16).HasDefaultValue(NoticeRecipient.Person);
        builder.Property(n => n.RecipientName).HasMaxLength(100);
        builder.Property(n => n.RecipientContact).HasMaxLength(300);
        builder.HasIndex(n => n.ServedAt);
        builder.HasIndex(n => n.InterviewRequestId);
        // One "release date shared" notice per notification and recipient, however often it is
        // delivered, on any node (NULLs, notices without a notification, are distinct in both
        // providers' unique indexes).
        builder.HasIndex(n => new { n.NotificationId, n.Kind, n.Recipient }).IsUnique();
    }
}

internal sealed class OutboxNotificationConfiguration : IEntityTypeConfiguration<OutboxNotification>
{
    public void Configure(EntityTypeBuilder<OutboxNotification> builder)
    {
        builder.HasKey(n => n.Id);
        builder.Property(n => n.ClientId).HasMaxLength(64);
        builder.Property(n => n.BookingNumber).HasMaxLength(32);
        builder.Property(n => n.RuleId).HasMaxLength(128);
        builder.Property(n => n.PolicyHash).HasMaxLength(64);
        builder.Property(n => n.State).HasConversion<string>().HasMaxLength(16);
        builder.Property(n => n.IngestEventId).HasMaxLength(64);
        builder.Property(n => n.Kind).HasConversion<string>().HasMaxLength(16).HasDefaultValue(OutboxKind.ReleaseDate);
        builder.Property(n => n.InterviewStatus).HasConversion<string>().HasMaxLength(32);
        builder.HasIndex(n => new { n.ClientId, n.State, n.Id });
    }
}

internal sealed class InterviewRequestConfiguration : IEntityTypeConfiguration<InterviewRequest>
{
    public void Configure(EntityTypeBuilder<InterviewRequest> builder)
    {
        builder.HasKey(i => i.Id);
        builder.Property(i => i.ClientId).HasMaxLength(64);
        builder.Property(i => i.AgencyIdentifier).HasMaxLength(32);
        builder.Property(i => i.Agency).HasMaxLength(300);
        builder.Property(i => i.BookingNumber).HasMaxLength(32);
        builder.Property(i => i.Purpose).HasMaxLength(500);
        builder.Property(i => i.OfficerId).HasMaxLength(32);
        builder.Property(i => i.OfficerName).HasMaxLength(100);
        builder.Property(i => i.LegalBasis).HasMaxLength(64);
        builder.Property(i => i.LegalDocumentNumber).HasMaxLength(32);
        builder.Property(i => i.CaseNumber).HasMaxLength(32);
        builder.Property(i => i.RuleId).HasMaxLength(128);
        builder.Property(i => i.PolicyHash).HasMaxLength(64);
        builder.Property(i => i.Status).HasConversion<string>().HasMaxLength(32);
        builder.Property(i => i.AnsweredBy).HasMaxLength(100);
        builder.HasIndex(i => i.PersonId);
        // The expiry sweep reads the pending requests.
        builder.HasIndex(i => i.Status);
    }
}

internal sealed class IngestEventConfiguration : IEntityTypeConfiguration<IngestEvent>
{
    public void Configure(EntityTypeBuilder<IngestEvent> builder)
    {
        builder.HasKey(e => e.EventId);
        builder.Property(e => e.EventId).HasMaxLength(64);
        builder.Property(e => e.Method).HasMaxLength(64);
        builder.Property(e => e.RequestSha256).HasMaxLength(64);
    }
}
