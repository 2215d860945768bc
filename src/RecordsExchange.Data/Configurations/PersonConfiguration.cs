using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using RecordsExchange.Core.Records;

namespace RecordsExchange.Data.Configurations;

internal sealed class PersonConfiguration : IEntityTypeConfiguration<Person>
{
    public void Configure(EntityTypeBuilder<Person> builder)
    {
        // ChangeCounters' triggers bump the change counter; EF must not use OUTPUT/RETURNING on a table with triggers.
        builder.ToTable(t => t.HasTrigger("People_Count"));
        builder.HasKey(p => p.Id);
        builder.Property(p => p.CountyPersonNumber).HasMaxLength(32);
        builder.Property(p => p.FbiNumber).HasMaxLength(32);
        builder.Property(p => p.StateId).HasMaxLength(32);
        builder.Property(p => p.LastName).HasMaxLength(100);
        builder.Property(p => p.FirstName).HasMaxLength(100);
        builder.Property(p => p.LastNameKey).HasMaxLength(100);
        builder.Property(p => p.FirstNameKey).HasMaxLength(100);
        builder.Property(p => p.HomeAddress).HasMaxLength(300);
        builder.Property(p => p.PhoneNumber).HasMaxLength(40);
        builder.Property(p => p.Language).HasMaxLength(8).HasDefaultValue(Person.DefaultLanguage);
        builder.Property(p => p.DesigneeName).HasMaxLength(100);
        builder.Property(p => p.DesigneeContact).HasMaxLength(300);
        builder.Property(p => p.Sex).HasMaxLength(32);
        builder.Property(p => p.RaceEthnicity).HasMaxLength(32);
        builder.HasIndex(p => p.CountyPersonNumber).IsUnique();
        builder.HasIndex(p => p.FbiNumber).IsUnique();
        builder.HasIndex(p => p.StateId).IsUnique();
        builder.HasIndex(p => new { p.LastNameKey, p.FirstNameKey, p.DateOfBirth });
        builder.HasMany(p => p.Bookings).WithOne(b => b.Person).HasForeignKey(b => b.PersonId);
        builder.HasMany(p => p.Charges).WithOne().HasForeignKey(c => c.PersonId);
    }
}

internal sealed class BookingConfiguration : IEntityTypeConfiguration<Booking>
{
    public void Configure(EntityTypeBuilder<Booking> builder)
    {
        // ChangeCounters' triggers bump the change counter; EF must not use OUTPUT/RETURNING on a table with triggers.
        builder.ToTable(t => t.HasTrigger("Bookings_Count"));
        builder.HasKey(b => b.Id);
        builder.Property(b => b.BookingNumber).HasMaxLength(32);
        builder.HasIndex(b => b.BookingNumber).IsUnique();
        builder.Property(b => b.Custody).HasConversion<string>().HasMaxLength(16);
    }
}

internal sealed class ChargeConfiguration : IEntityTypeConfiguration<Charge>
{
    public void Configure(EntityTypeBuilder<Charge> builder)
    {
        // ChangeCounters' triggers bump the change counter; EF must not use OUTPUT/RETURNING on a table with triggers.
        builder.ToTable(t => t.HasTrigger("Charges_Count"));
        builder.HasKey(c => c.Id);
        builder.Property(c => c.ExternalId).HasMaxLength(64);
        builder.HasIndex(c => c.ExternalId).IsUnique();
        builder.Property(c => c.Statute).HasMaxLength(64);
        builder.Property(c => c.StatuteCode).HasMaxLength(16);
        builder.Property(c => c.StatuteSection).HasMaxLength(32);
        builder.Property(c => c.StatuteSubdivision).HasMaxLength(32);
        builder.Property(c => c.Description).HasMaxLength(200);
        builder.Property(c => c.Category).HasConversion<string>().HasMaxLength(32);
        builder.Property(c => c.Level).HasConversion<string>().HasMaxLength(16);
        builder.HasOne(c => c.Booking).WithMany().HasForeignKey(c => c.BookingId).OnDelete(DeleteBehavior.Restrict);
        builder.OwnsOne(c => c.Disposition, d =>
        {
            d.Property(x => x.Result).HasConversion<string>().HasMaxLength(16).HasColumnName("DispositionResult");
            d.Property(x => x.DispositionDate).HasColumnName("DispositionDate");
            d.Property(x => x.ConvictedLevel).HasConversion<string>().HasMaxLength(16).HasColumnName("ConvictedLevel");
            d.Property(x => x.Prop47Reduced).HasColumnName("Prop47Reduced");
            d.Property(x => x.Sentence).HasConversion<string>().HasMaxLength(16).HasColumnName("Sentence");
        });
        builder.Navigation(c => c.Disposition).IsRequired(false);
    }
}
