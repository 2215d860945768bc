using Microsoft.EntityFrameworkCore;
using RecordsExchange.Core.Audit;
using RecordsExchange.Core.Clients;
using RecordsExchange.Core.Records;

namespace RecordsExchange.Data;

/// <summary>
/// Records, agency clients and the audit ledger. Each provider has a derived context that owns its
/// migrations; from the repository root they are made with
/// <c>dotnet ef migrations add NAME -p src/RecordsExchange.Data -c SqliteRecordsDbContext -o Migrations/Sqlite</c> and
/// <c>dotnet ef migrations add NAME -p src/RecordsExchange.Data -c SqlServerRecordsDbContext -o Migrations/SqlServer</c> and
/// <c>dotnet ef migrations add NAME -p src/RecordsExchange.Data -c PostgresRecordsDbContext -o Migrations/Postgres</c>.
/// The schema is created only by migrations, never by EnsureCreated.
/// </summary>
public abstract class RecordsDbContext(DbContextOptions options) : DbContext(options)
{
    public DbSet<Person> People => Set<Person>();
    public DbSet<Booking> Bookings => Set<Booking>();
    public DbSet<Charge> Charges => Set<Charge>();
    public DbSet<AgencyClient> AgencyClients => Set<AgencyClient>();
    public DbSet<AgencyCertificate> AgencyCertificates => Set<AgencyCertificate>();
    public DbSet<AuditEntry> AuditEntries => Set<AuditEntry>();
    public DbSet<Core.Ledger.StoredCheckpoint> Checkpoints => Set<Core.Ledger.StoredCheckpoint>();
    public DbSet<Core.Detainers.Detainer> Detainers => Set<Core.Detainers.Detainer>();
    public DbSet<Core.Detainers.SubjectNotice> SubjectNotices => Set<Core.Detainers.SubjectNotice>();
    public DbSet<Core.Detainers.OutboxNotification> OutboxNotifications => Set<Core.Detainers.OutboxNotification>();
    public DbSet<Core.Detainers.IngestEvent> IngestEvents => Set<Core.Detainers.IngestEvent>();
    public DbSet<Core.Interviews.InterviewRequest> InterviewRequests => Set<Core.Interviews.InterviewRequest>();
    public DbSet<Ledger.LedgerIndexRow> LedgerIndex => Set<Ledger.LedgerIndexRow>();
    public DbSet<Ledger.PolicyVersion> PolicyVersions => Set<Ledger.PolicyVersion>();
    public DbSet<ChangeCounter> ChangeCounters => Set<ChangeCounter>();

    protected override void OnModelCreating(ModelBuilder modelBuilder)
    {
        modelBuilder.ApplyConfigurationsFromAssembly(typeof(RecordsDbContext).Assembly);
        // OpenIddict's applications are derived from AgencyClients (see ClientApplications); its tables live here too.
        modelBuilder.UseOpenIddict();
    }
}

/// <summary>The embedded SQLite database (the default).</summary>
public sealed class SqliteRecordsDbContext(DbContextOptions options) : RecordsDbContext(options);

/// <summary>SQL Server, for production.</summary>
public sealed class SqlServerRecordsDbContext(DbContextOptions options) : RecordsDbContext(options);

/// <summary>PostgreSQL, for production and several nodes.</summary>
public sealed class PostgresRecordsDbContext(DbContextOptions options) : RecordsDbContext(options);
