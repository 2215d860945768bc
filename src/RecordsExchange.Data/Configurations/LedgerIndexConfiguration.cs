using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using RecordsExchange.Data.Ledger;

namespace RecordsExchange.Data.Configurations;

/// <summary>
/// The console's read model of the ledger. Each filter has an index that ends in the sequence number,
/// so a page is a walk down one index from the keyset cursor, whatever the ledger's size.
/// </summary>
internal sealed class LedgerIndexConfiguration : IEntityTypeConfiguration<LedgerIndexRow>
{
    public void Configure(EntityTypeBuilder<LedgerIndexRow> builder)
    {
        builder.ToTable("LedgerIndex");
        builder.HasKey(r => r.Sequence);
        builder.Property(r => r.Sequence).ValueGeneratedNever();
        builder.Property(r => r.ClientId).HasMaxLength(64);
        builder.Property(r => r.AgencyIdentifier).HasMaxLength(32);
        builder.Property(r => r.Method).HasMaxLength(128);
        builder.Property(r => r.Decision).HasConversion<string>().HasMaxLength(16);
        builder.Property(r => r.RuleId).HasMaxLength(128);
        builder.Property(r => r.OfficerId).HasMaxLength(256);
        builder.Property(r => r.PolicyHash).HasMaxLength(64);
        builder.HasIndex(r => r.RecordedAtMs);
        builder.HasIndex(r => new { r.ClientId, r.Sequence });
        builder.HasIndex(r => new { r.AgencyIdentifier, r.Sequence });
        builder.HasIndex(r => new { r.Method, r.Sequence });
        builder.HasIndex(r => new { r.Decision, r.Sequence });
        builder.HasIndex(r => new { r.RuleId, r.Sequence });
        builder.HasIndex(r => new { r.SubjectKey, r.Sequence });
        builder.HasIndex(r => new { r.OfficerId, r.Sequence });
        builder.HasIndex(r => new { r.PolicyHash, r.Sequence });
    }
}

internal sealed class PolicyVersionConfiguration : IEntityTypeConfiguration<PolicyVersion>
{
    public void Configure(EntityTypeBuilder<PolicyVersion> builder)
    {
        builder.ToTable("PolicyVersions");
        builder.HasKey(p => p.Sha256);
        builder.Property(p => p.Sha256).HasMaxLength(64);
    }
}

internal sealed class ChangeCounterConfiguration : IEntityTypeConfiguration<ChangeCounter>
{
    public void Configure(EntityTypeBuilder<ChangeCounter> builder)
    {
        builder.ToTable("ChangeCounters");
        builder.HasKey(c => c.Name);
        builder.Property(c => c.Name).HasMaxLength(16);
        builder.HasData(new ChangeCounter { Name = ChangeCounter.Clients, Value = 0 }, new ChangeCounter { Name = ChangeCounter.Records, Value = 0 });
    }
}
