using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Design;

namespace RecordsExchange.Data;

/// <summary>Creates contexts for the configured provider; the one place that knows which provider is which.</summary>
public sealed class RecordsDatabase : IDbContextFactory<RecordsDbContext>
{
    private readonly DbContextOptions _options;
    private readonly DatabaseProvider _provider;

    public RecordsDatabase(DatabaseOptions options)
    {
        _provider = options.Provider;
        var builder = new DbContextOptionsBuilder();
        switch (options.Provider)
        {
            case DatabaseProvider.Sqlite:
                builder.UseSqlite(options.ConnectionString).AddInterceptors(new SqliteDurabilityInterceptor());
                EnsureSqliteDirectory(options.ConnectionString);
                break;
            case DatabaseProvider.SqlServer:
                builder.UseSqlServer(options.ConnectionString);
                break;
            default:
                throw new ArgumentOutOfRangeException(nameof(options), options.Provider, "Unknown database provider.");
        }
        _options = builder.Options;
    }

    /// <summary>A new context for the configured provider; the caller disposes it.</summary>
    public RecordsDbContext CreateDbContext() => _provider == DatabaseProvider.Sqlite
        ? new SqliteRecordsDbContext(_options)
        : new SqlServerRecordsDbContext(_options);

    /// <summary>Applies every pending migration.</summary>
    public async Task MigrateAsync(CancellationToken cancellationToken = default)
    {
        await using var db = CreateDbContext();
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
