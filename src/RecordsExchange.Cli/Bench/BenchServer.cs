using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;
using RecordsExchange.Core.Certificates;
using RecordsExchange.Server;
using RecordsExchange.Server.Extensions;

namespace RecordsExchange.Cli.Bench;

/// <summary>The real server, hosted in this process on loopback with a fresh development PKI, demo data and the echo baseline.</summary>
internal sealed class BenchServer : IAsyncDisposable
{
    private BenchServer(WebApplication app, string directory, DevelopmentCertificates development)
    {
        App = app;
        Directory = directory;
        Development = development;
    }

    public WebApplication App { get; }
    public string Directory { get; }
    public DevelopmentCertificates Development { get; }
    public string ConnectionString => $"Data Source={Path.Combine(Directory, "records.db")}";
    public Uri Address => new($"https://localhost:{App.Services.GetRequiredService<BoundListeners>().AgencyEndpoint.Port}");

    /// <param name="extra">Settings over the bench defaults.</param>
    /// <param name="prepare">Runs on the new database (its connection string given) before the server starts, as a long-running server would find it.</param>
    public static async Task<BenchServer> StartAsync(IDictionary<string, string?>? extra = null, Func<string, Task>? prepare = null)
    {
        var directory = Path.Combine(Path.GetTempPath(), "rx-bench-" + Guid.NewGuid().ToString("N"));
        System.IO.Directory.CreateDirectory(directory);
        if (prepare is not null)
        {
            await prepare($"Data Source={Path.Combine(directory, "records.db")}");
            Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
            // The memory the preparation used is returned, so the server's own is what gets measured.
            GC.Collect(GC.MaxGeneration, GCCollectionMode.Aggressive, blocking: true, compacting: true);
        }
        var development = new DevelopmentCertificates(Path.Combine(directory, "certs"));
        // The shipped California policy, without its per-client quota, which one benchmark client exceeds by design.
        var policy = Path.Combine(directory, "policy.yaml");
        var shipped = Path.Combine(AppContext.BaseDirectory, "policy");
        await File.WriteAllTextAsync(policy, Core.Policy.PolicyText.WithStatutesFrom(
            Core.Policy.PolicyText.WithDefaultQuota(await File.ReadAllTextAsync(Path.Combine(shipped, "california.yaml")), "{}"), shipped));
        var settings = new Dictionary<string, string?>
        {
            ["RecordsExchange:AgencyEndpoint"] = "127.0.0.1:0",
            ["RecordsExchange:PublicEndpoint"] = "",
            ["RecordsExchange:ManagementEndpoint"] = "",
            ["RecordsExchange:DevelopmentCertificatesDirectory"] = development.Directory,
            ["RecordsExchange:EnableBenchmarkEcho"] = "true",
            ["Database:ConnectionString"] = $"Data Source={Path.Combine(directory, "records.db")}",
            ["Policy:Path"] = policy,
            // Production's pace for the public report (Development recomputes it within seconds of every checkpoint).
            ["Transparency:RefreshInterval"] = "00:05:00",
            ["Transparency:PublishThrough"] = "Year",
        };
        foreach (var (key, value) in extra ?? new Dictionary<string, string?>())
        {
            settings[key] = value;
        }
        // The development bootstrap (a fresh PKI and demo people) runs only in Development.
        var app = RecordsExchangeExtensions.BuildHost(settings, "Development");
        await app.StartAsync();
        return new BenchServer(app, directory, development);
    }

    public async ValueTask DisposeAsync()
    {
        await App.StopAsync();
        await App.DisposeAsync();
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        try
        {
            System.IO.Directory.Delete(Directory, recursive: true);
        }
        catch (IOException)
        {
            // A leftover temp folder is harmless.
        }
    }
}
