using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using RecordsExchange.Core.Clients;

namespace RecordsExchange.Data.Configurations;

internal sealed class AgencyClientConfiguration : IEntityTypeConfiguration<AgencyClient>
{
    public void Configure(EntityTypeBuilder<AgencyClient> builder)
    {
        // ChangeCounters' triggers bump the change counter; EF must not use OUTPUT/RETURNING on a table with triggers.
        builder.ToTable(t => t.HasTrigger("AgencyClients_Count"));
        builder.HasKey(c => c.ClientId);
        builder.Property(c => c.ClientId).HasMaxLength(64);
        builder.Property(c => c.DisplayName).HasMaxLength(200);
        builder.Property(c => c.AgencyIdentifier).HasMaxLength(32);
        builder.Property(c => c.Status).HasConversion<string>().HasMaxLength(16);
        builder.Property(c => c.Scopes).HasMaxLength(400);
        builder.HasMany(c => c.Certificates).WithOne().HasForeignKey(c => c.ClientId);
    }
}

internal sealed class AgencyCertificateConfiguration : IEntityTypeConfiguration<AgencyCertificate>
{
    public void Configure(EntityTypeBuilder<AgencyCertificate> builder)
    {
        // ChangeCounters' triggers bump the change counter; EF must not use OUTPUT/RETURNING on a table with triggers.
        builder.ToTable(t => t.HasTrigger("AgencyCertificates_Count"));
        builder.HasKey(c => c.Thumbprint);
        builder.Property(c => c.Thumbprint).HasMaxLength(64);
        builder.Property(c => c.ClientId).HasMaxLength(64);
        builder.Property(c => c.Subject).HasMaxLength(400);
        builder.Property(c => c.Status).HasConversion<string>().HasMaxLength(16);
    }
}
