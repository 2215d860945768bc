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
    private readonly string _connectionString;

    public RecordsDatabase(DatabaseOptions options)
    {
        _provider = options.Provider;
        _connectionString = options.ConnectionString;
        // SQLite: the busy timeout bounds the wait for a lock, and the command timeout (whole seconds),
        // which there only bounds Microsoft.Data.Sqlite's retry on a busy database, is set no longer,
        // so the retry adds no second wait. SQL Server: SET LOCK_TIMEOUT on every connection, leaving
        // the command timeout to bound execution (migrations and loading the ledger take longer).
        var sqliteCommandTimeout = Math.Max(1, (int)options.LockTimeout.TotalSeconds);
        // Pooled: creating a context costs more than the small queries each call makes.
        switch (options.Provider)
        {
            case DatabaseProvider.Sqlite:
                var sqlite = new PooledDbContextFactory<SqliteRecordsDbContext>(new DbContextOptionsBuilder<SqliteRecordsDbContext>()
                    .UseSqlite(options.ConnectionString, o => o.CommandTimeout(sqliteCommandTimeout))
                    .AddInterceptors(new SqliteDurabilityInterceptor(options.LockTimeout)).Options);
                _create = sqlite.CreateDbContext;
                break;
            case DatabaseProvider.SqlServer:
                var sqlServer = new PooledDbContextFactory<SqlServerRecordsDbContext>(new DbContextOptionsBuilder<SqlServerRecordsDbContext>()
                    .UseSqlServer(options.ConnectionString).AddInterceptors(new SqlServerLockTimeoutInterceptor(options.LockTimeout)).Options);
                _create = sqlServer.CreateDbContext;
                break;
            case DatabaseProvider.Postgres:
                // lock_timeout for every session, set by the server when the connection is made.
                var npgsql = new Npgsql.NpgsqlConnectionStringBuilder(options.ConnectionString);
                npgsql.Options = $"{npgsql.Options} -c lock_timeout={(long)options.LockTimeout.TotalMilliseconds}".Trim();
                var postgres = new PooledDbContextFactory<PostgresRecordsDbContext>(new DbContextOptionsBuilder<PostgresRecordsDbContext>()
                    .UseNpgsql(npgsql.ConnectionString).Options);
                _create = postgres.CreateDbContext;
                break;
            default:
                throw new ArgumentOutOfRangeException(nameof(options), options.Provider, "Unknown database provider.");
        }
    }

    public DatabaseProvider Provider => _provider;

    public string ConnectionString => _connectionString;

    /// <summary>A context for the configured provider, from the pool; the caller disposes it, which returns it.</summary>
    public RecordsDbContext CreateDbContext() => _create();

    /// <summary>
    /// Applies every pending migration (and, for SQLite, creates the file readable by its owner only
    /// and puts it in write-ahead-log mode). The server and `rx` administration migrate before anything else.
    /// </summary>
    public async Task MigrateAsync(CancellationToken cancellationToken = default)
    {
        if (_provider == DatabaseProvider.Sqlite)
        {
            ProtectSqliteFiles(_connectionString);
        }
        await using var db = CreateDbContext();
        if (_provider == DatabaseProvider.Sqlite)
        {
            await db.Database.ExecuteSqlRawAsync(SqliteDurabilityInterceptor.EnableWriteAheadLog, cancellationToken);
        }
        await db.Database.MigrateAsync(cancellationToken);
    }

    /// <summary>
    /// The database holds criminal records and the ledger: on Unix its folder is created readable by
    /// the owner only (0700), and the file and its WAL and shared-memory companions are 0600 (SQLite
    /// gives the companions the database file's mode, so the file is created before SQLite opens it).
    /// </summary>
    private static void ProtectSqliteFiles(string connectionString)
    {
        var builder = new SqliteConnectionStringBuilder(connectionString);
        var file = builder.DataSource;
        if (string.IsNullOrEmpty(file) || file == ":memory:" || builder.Mode == SqliteOpenMode.Memory || file.StartsWith("file:", StringComparison.Ordinal))
        {
            return;
        }
        var path = Path.GetFullPath(file);
        var directory = Path.GetDirectoryName(path)!;
        if (OperatingSystem.IsWindows())
        {
            Directory.CreateDirectory(directory);
            return;
        }
        if (!Directory.Exists(directory))
        {
            Directory.CreateDirectory(directory, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        }
        const UnixFileMode OwnerOnly = UnixFileMode.UserRead | UnixFileMode.UserWrite;
        try
        {
            using var _ = new FileStream(path, new FileStreamOptions { Mode = FileMode.CreateNew, Access = FileAccess.Write, UnixCreateMode = OwnerOnly });
        }
        catch (IOException) when (File.Exists(path))
        {
            // Already there (another process may have just made it); its mode is checked below.
        }
        foreach (var existing in new[] { path, path + "-wal", path + "-shm" }.Where(File.Exists))
        {
            if ((File.GetUnixFileMode(existing) & ~OwnerOnly) != 0)
            {
                File.SetUnixFileMode(existing, OwnerOnly);
            }
        }
    }
}

/// <summary>Lets <c>dotnet ef</c> build the SQLite context without the server.</summary>
public sealed class SqliteDesignTimeFactory : IDesignTimeDbContextFactory<SqliteRecordsDbContext>
{
    public SqliteRecordsDbContext CreateDbContext(string[] args) =>
        (SqliteRecordsDbContext)new RecordsDatabase(new DatabaseOptions { Provider = DatabaseProvider.Sqlite, ConnectionString = "Data Source=design-time.db" }).CreateDbContext();
}

/// <summary>Lets <c>dotnet ef</c> build the PostgreSQL context without a server (no connection is opened).</summary>
public sealed class PostgresDesignTimeFactory : IDesignTimeDbContextFactory<PostgresRecordsDbContext>
{
    public PostgresRecordsDbContext CreateDbContext(string[] args) =>
        (PostgresRecordsDbContext)new RecordsDatabase(new DatabaseOptions { Provider = DatabaseProvider.Postgres, ConnectionString = "Host=localhost;Database=recordsexchange;Username=recordsexchange" }).CreateDbContext();
}

/// <summary>Lets <c>dotnet ef</c> build the SQL Server context without a server (no connection is opened).</summary>
public sealed class SqlServerDesignTimeFactory : IDesignTimeDbContextFactory<SqlServerRecordsDbContext>
{
    public SqlServerRecordsDbContext CreateDbContext(string[] args) =>
        (SqlServerRecordsDbContext)new RecordsDatabase(new DatabaseOptions { Provider = DatabaseProvider.SqlServer, ConnectionString = "Server=(local);Database=RecordsExchange;Integrated Security=true;TrustServerCertificate=true" }).CreateDbContext();
}
