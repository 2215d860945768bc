using Microsoft.Data.SqlClient;
using RecordsExchange.Data;
using RecordsExchange.Tests;

namespace RecordsExchange.Server.Tests;

/// <summary>
/// A fresh database on a server database engine for the several-nodes tests: PostgreSQL
/// (RECORDSEXCHANGE_POSTGRES, started by `.ci/run`) or SQL Server (RECORDSEXCHANGE_SQLSERVER, when given;
/// skipped and reported as skipped otherwise, since SQL Server cannot run on these machines).
/// </summary>
public sealed class NodeDatabase : IAsyncDisposable
{
    private readonly IAsyncDisposable _owner;

    private NodeDatabase(DatabaseProvider provider, string connectionString, IAsyncDisposable owner) =>
        (Provider, ConnectionString, _owner) = (provider, connectionString, owner);

    public DatabaseProvider Provider { get; }
    public string ConnectionString { get; }

    public static async Task<NodeDatabase> CreateAsync(DatabaseProvider provider)
    {
        if (provider == DatabaseProvider.Postgres)
        {
            var postgres = await PostgresDatabase.CreateAsync();
            return new NodeDatabase(provider, postgres.ConnectionString, postgres);
        }
        var server = Environment.GetEnvironmentVariable("RECORDSEXCHANGE_SQLSERVER");
        Assert.SkipWhen(string.IsNullOrWhiteSpace(server), "RECORDSEXCHANGE_SQLSERVER is not set; no SQL Server to test against.");
        var sqlServer = await SqlServerDatabase.CreateAsync(server!);
        return new NodeDatabase(provider, sqlServer.ConnectionString, sqlServer);
    }

    public ValueTask DisposeAsync() => _owner.DisposeAsync();

    /// <summary>A database of its own on the given SQL Server, with the row versioning the README asks for; dropped afterwards.</summary>
    private sealed class SqlServerDatabase(string server, string name) : IAsyncDisposable
    {
        public string ConnectionString { get; } = new SqlConnectionStringBuilder(server) { InitialCatalog = name }.ConnectionString;

        public static async Task<SqlServerDatabase> CreateAsync(string server)
        {
            var name = "rx_test_" + Guid.NewGuid().ToString("N");
            await ExecuteAsync(server, $"CREATE DATABASE [{name}]; ALTER DATABASE [{name}] SET READ_COMMITTED_SNAPSHOT ON;");
            return new SqlServerDatabase(server, name);
        }

        public async ValueTask DisposeAsync()
        {
            SqlConnection.ClearAllPools();
            await ExecuteAsync(server, $"ALTER DATABASE [{name}] SET SINGLE_USER WITH ROLLBACK IMMEDIATE; DROP DATABASE [{name}];");
        }

        private static async Task ExecuteAsync(string server, string sql)
        {
            await using var connection = new SqlConnection(new SqlConnectionStringBuilder(server) { InitialCatalog = "master" }.ConnectionString);
            await connection.OpenAsync();
            await using var command = new SqlCommand(sql, connection);
            await command.ExecuteNonQueryAsync();
        }
    }
}
