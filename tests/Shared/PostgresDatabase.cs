using Npgsql;

using RecordsExchange.Data;

namespace RecordsExchange.Tests;

/// <summary>
/// A database of its own on the PostgreSQL server RECORDSEXCHANGE_POSTGRES names (`.ci/run` starts a
/// throwaway cluster and sets it), migrated, dropped afterwards. Without it the tests skip locally and
/// fail under CI, where the cluster must be there.
/// </summary>
public sealed class PostgresDatabase : IAsyncDisposable
{
    public static readonly string? ServerConnectionString = Environment.GetEnvironmentVariable("RECORDSEXCHANGE_POSTGRES");

    private PostgresDatabase(string name)
    {
        Name = name;
        ConnectionString = new NpgsqlConnectionStringBuilder(ServerConnectionString) { Database = name, Pooling = false }.ConnectionString;
        Database = new RecordsDatabase(new DatabaseOptions { Provider = DatabaseProvider.Postgres, ConnectionString = ConnectionString, LockTimeout = TimeSpan.FromSeconds(1) });
    }

    public string Name { get; }
    public string ConnectionString { get; }
    public RecordsDatabase Database { get; }

    /// <summary>Skips the test when no server is configured, except under CI (CI=true), where that is a failure.</summary>
    public static void SkipUnlessConfigured()
    {
        if (string.IsNullOrWhiteSpace(ServerConnectionString))
        {
            Assert.False(Environment.GetEnvironmentVariable("CI") == "true", "RECORDSEXCHANGE_POSTGRES is not set under CI: .ci/run starts a PostgreSQL cluster for these tests.");
            Assert.Skip("RECORDSEXCHANGE_POSTGRES is not set; no PostgreSQL to test against (.ci/run starts one; see ../shared/recipes/postgres.md).");
        }
    }

    public static async Task<PostgresDatabase> CreateAsync()
    {
        SkipUnlessConfigured();
        var name = "rx_test_" + Guid.NewGuid().ToString("N");
        await using (var admin = new NpgsqlConnection(ServerConnectionString))
        {
            await admin.OpenAsync();
            await using var create = new NpgsqlCommand($"CREATE DATABASE {name} TEMPLATE template0", admin);
            await create.ExecuteNonQueryAsync();
        }
        var database = new PostgresDatabase(name);
        await database.Database.MigrateAsync();
        return database;
    }

    public async Task ExecuteAsync(string sql, string? connectionString = null)
    {
        await using var connection = new NpgsqlConnection(connectionString ?? ConnectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        await command.ExecuteNonQueryAsync();
    }

    public async ValueTask DisposeAsync()
    {
        NpgsqlConnection.ClearAllPools();
        await using var admin = new NpgsqlConnection(ServerConnectionString);
        await admin.OpenAsync();
        await using var drop = new NpgsqlCommand($"DROP DATABASE IF EXISTS {Name} WITH (FORCE)", admin);
        await drop.ExecuteNonQueryAsync();
    }
}
