using System.Diagnostics;
using System.Text.RegularExpressions;
using RecordsExchange.Core.Clients;
using RecordsExchange.Data;

namespace RecordsExchange.Server.Tests;

/// <summary>
/// Real server processes (the built RecordsExchange.Server.dll) on one database, as production runs
/// them: for the crash tests (killed with SIGKILL) and the several-nodes tests (two at once).
/// </summary>
public sealed partial class ChildServers(TestPki pki, string directory, DatabaseProvider provider, string connectionString)
{
    public string PolicyPath => Path.Combine(directory, "policy.yaml");

    public RecordsDatabase Database { get; } = new(new DatabaseOptions { Provider = provider, ConnectionString = connectionString });

    /// <summary>Migrates the database and loads the test people, the test agency and jail system, and the policy file.</summary>
    public async Task PrepareDatabaseAsync()
    {
        await Database.MigrateAsync();
        await using (var db = Database.CreateDbContext())
        {
            db.People.AddRange(TestPeople.All());
            await db.SaveChangesAsync();
        }
        var registry = new AgencyClientRegistry(Database, TimeProvider.System);
        await registry.RegisterAsync(RecordsServer.ClientId, "Test Agency", RecordsServer.AgencyIdentifier, $"{Scopes.History} {Scopes.Detainers} {Scopes.Notifications}", pki.Registered);
        await registry.RegisterAsync(RecordsServer.JmsId, "Test Jail Management System", "JMS", Scopes.Ingest, pki.Jms);
        // California, without the per-client quota that 16 callers would exceed within seconds.
        await File.WriteAllTextAsync(PolicyPath, Core.Policy.PolicyText.WithDefaultQuota(RecordsServer.CaliforniaPolicy(), "{}"));
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
    }

    /// <summary>Starts a server process and waits until its agency listener is bound.</summary>
    public async Task<ChildServer> StartAsync(params string[] settings)
    {
        var start = new ProcessStartInfo("dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            WorkingDirectory = directory,
        };
        string[] arguments =
        [
            ServerAssemblyPath(),
            "--RecordsExchange:AgencyEndpoint=127.0.0.1:0",
            "--RecordsExchange:PublicEndpoint=",
            "--RecordsExchange:ManagementEndpoint=",
            "--RecordsExchange:DevelopmentCertificatesDirectory=",
            $"--RecordsExchange:CaCertificatePath={pki.CaPath}",
            $"--RecordsExchange:ServerCertificatePath={pki.ServerPfxPath}",
            "--RecordsExchange:DemoPeople=0",
            $"--Ledger:SigningKeyPath={pki.Ledger.SigningKeyPath}",
            $"--Ledger:Origin={pki.Ledger.Origin}",
            $"--Tokens:SigningCertificatePath={pki.TokenSigningPfxPath}",
            $"--Tokens:EncryptionCertificatePath={pki.TokenEncryptionPfxPath}",
            $"--Database:Provider={provider}",
            $"--Database:ConnectionString={connectionString}",
            $"--Policy:Path={PolicyPath}",
            .. settings,
        ];
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }
        var process = Process.Start(start)!;
        var listening = new TaskCompletionSource<Uri>(TaskCreationOptions.RunContinuationsAsynchronously);
        process.OutputDataReceived += (_, line) =>
        {
            if (line.Data is { } text && ListeningLine().Match(text) is { Success: true } match)
            {
                listening.TrySetResult(new Uri($"https://localhost:{match.Groups[1].Value}"));
            }
        };
        process.ErrorDataReceived += (_, _) => { };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        var address = await listening.Task.WaitAsync(TimeSpan.FromSeconds(60));
        return new ChildServer(process, address);
    }

    // The server is built next to this test assembly's own configuration (Debug or Release).
    internal static string ServerAssemblyPath()
    {
        var here = new DirectoryInfo(AppContext.BaseDirectory);
        var configuration = here.Parent!.Name;
        var root = here;
        while (root is not null && !File.Exists(Path.Combine(root.FullName, "RecordsExchange.sln")))
        {
            root = root.Parent;
        }
        var path = Path.Combine(root!.FullName, "src", "RecordsExchange.Server", "bin", configuration, here.Name, "RecordsExchange.Server.dll");
        return File.Exists(path) ? path : throw new FileNotFoundException("Build the server first.", path);
    }

    [GeneratedRegex(@"Now listening on: https://127\.0\.0\.1:(\d+)")]
    private static partial Regex ListeningLine();
}

/// <summary>A server process and its agency address; disposing kills it if it still runs.</summary>
public sealed record ChildServer(Process Process, Uri Address) : IDisposable
{
    public async Task KillAsync()
    {
        Process.Kill(entireProcessTree: true);
        await Process.WaitForExitAsync();
    }

    public void Dispose()
    {
        if (!Process.HasExited)
        {
            Process.Kill(entireProcessTree: true);
        }
        Process.Dispose();
    }
}
