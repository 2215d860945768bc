using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Design;
using Microsoft.EntityFrameworkCore.Infrastructure;

namespace RecordsExchange.Data;

/// <summary>Creates contexts for the configured provider; the one place that knows which provider is which.</summary>
public sealed class RecordsDatabase : IDbContextFactory<RecordsDbContext>
{
    private readonly Func<RecordsDbContext> _create;
    private readonly DatabaseProvider _provider;

    public RecordsDatabase(DatabaseOptions options)
    {
        _provider = options.Provider;
        // Pooled: creating a context costs more than the small queries each call makes.
        switch (options.Provider)
        {
            case DatabaseProvider.Sqlite:
                EnsureSqliteDirectory(options.ConnectionString);
                var sqlite = new PooledDbContextFactory<SqliteRecordsDbContext>(new DbContextOptionsBuilder<SqliteRecordsDbContext>()
                    .UseSqlite(options.ConnectionString).AddInterceptors(new SqliteDurabilityInterceptor()).Options);
                _create = sqlite.CreateDbContext;
                break;
            case DatabaseProvider.SqlServer:
                var sqlServer = new PooledDbContextFactory<SqlServerRecordsDbContext>(new DbContextOptionsBuilder<SqlServerRecordsDbContext>()
                    .UseSqlServer(options.ConnectionString).Options);
                _create = sqlServer.CreateDbContext;
                break;
            default:
                throw new ArgumentOutOfRangeException(nameof(options), options.Provider, "Unknown database provider.");
        }
    }

    /// <summary>A context for the configured provider, from the pool; the caller disposes it, which returns it.</summary>
    public RecordsDbContext CreateDbContext() => _create();

    /// <summary>Applies every pending migration (and, for SQLite, puts the file in write-ahead-log mode).</summary>
    public async Task MigrateAsync(CancellationToken cancellationToken = default)
    {
        await using var db = CreateDbContext();
        if (_provider == DatabaseProvider.Sqlite)
        {
            await db.Database.ExecuteSqlRawAsync(SqliteDurabilityInterceptor.EnableWriteAheadLog, cancellationToken);
        }
        await db.Database.MigrateAsync(cancellationToken);
    }

    private static void EnsureSqliteDirectory(string connectionString)
    {
        var file = new SqliteConnectionStringBuilder(connectionString).DataSource;
        var directory = Path.GetDirectoryName(Path.GetFullPath(file));
        if (!string.IsNullOrEmpty(file) && file != ":memory:" && directory is not null)
        {
            Directory.CreateDirectory(directory);
        }
    }
}

/// <summary>Lets <c>dotnet ef</c> build the SQLite context without the server.</summary>
public sealed class SqliteDesignTimeFactory : IDesignTimeDbContextFactory<SqliteRecordsDbContext>
{
    public SqliteRecordsDbContext CreateDbContext(string[] args) =>
        (SqliteRecordsDbContext)new RecordsDatabase(new DatabaseOptions { Provider = DatabaseProvider.Sqlite, ConnectionString = "Data Source=design-time.db" }).CreateDbContext();
}

/// <summary>Lets <c>dotnet ef</c> build the SQL Server context without a server (no connection is opened).</summary>
public sealed class SqlServerDesignTimeFactory : IDesignTimeDbContextFactory<SqlServerRecordsDbContext>
{
    public SqlServerRecordsDbContext CreateDbContext(string[] args) =>
        (SqlServerRecordsDbContext)new RecordsDatabase(new DatabaseOptions { Provider = DatabaseProvider.SqlServer, ConnectionString = "Server=(local);Database=RecordsExchange;Integrated Security=true;TrustServerCertificate=true" }).CreateDbContext();
}
