using Npgsql;

namespace RecordsExchange.Cli.Bench;

/// <summary>A fresh database on the PostgreSQL server `bench calls --database` names, dropped when disposed.</summary>
internal sealed class BenchPostgres : IAsyncDisposable
{
    private readonly string _server;
    private readonly string _name;

    private BenchPostgres(string server, string name)
    {
        (_server, _name) = (server, name);
        ConnectionString = new NpgsqlConnectionStringBuilder(server) { Database = name }.ConnectionString;
    }

    public string ConnectionString { get; }

    public static async Task<BenchPostgres> CreateAsync(string serverConnectionString)
    {
        var name = "rx_bench_" + Guid.NewGuid().ToString("N");
        await using var admin = new NpgsqlConnection(serverConnectionString);
        await admin.OpenAsync();
        await using var create = new NpgsqlCommand($"CREATE DATABASE {name} TEMPLATE template0", admin);
        await create.ExecuteNonQueryAsync();
        return new BenchPostgres(serverConnectionString, name);
    }

    public async ValueTask DisposeAsync()
    {
        NpgsqlConnection.ClearAllPools();
        await using var admin = new NpgsqlConnection(_server);
        await admin.OpenAsync();
        await using var drop = new NpgsqlCommand($"DROP DATABASE IF EXISTS {_name} WITH (FORCE)", admin);
        await drop.ExecuteNonQueryAsync();
    }
}
