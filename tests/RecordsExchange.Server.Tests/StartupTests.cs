using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using RecordsExchange.Client;
using RecordsExchange.Core.Audit;
using RecordsExchange.Core.Certificates;
using RecordsExchange.Data;
using RecordsExchange.Protos.V1;

namespace RecordsExchange.Server.Tests;

public sealed class StartupTests : IDisposable
{
    private readonly string _directory = Path.Combine(Path.GetTempPath(), "rx-startup-" + Guid.NewGuid().ToString("N"));

    private Dictionary<string, string?> DevelopmentSettings() => new()
    {
        ["RecordsExchange:AgencyEndpoint"] = "127.0.0.1:0",
        ["RecordsExchange:PublicEndpoint"] = "",
        ["RecordsExchange:ManagementEndpoint"] = "",
        ["RecordsExchange:DevelopmentCertificatesDirectory"] = Path.Combine(_directory, "certs"),
        ["RecordsExchange:DemoPeople"] = "200",
        ["Database:ConnectionString"] = $"Data Source={Path.Combine(_directory, "records.db")}",
    };

    [Fact]
    public void Build_MisconfiguredServer_RefusesWithEveryProblemOfEverySectionAtOnce()
    {
        var settings = new Dictionary<string, string?>
        {
            ["RecordsExchange:AgencyEndpoint"] = "not-an-endpoint",
            ["RecordsExchange:ServerCertificatePath"] = Path.Combine(_directory, "missing.pfx"),
            ["RecordsExchange:DemoPeople"] = "-1",
            ["Database:ConnectionString"] = $"Data Source={Path.Combine(_directory, "records.db")}",
            ["Ledger:CheckpointInterval"] = "00:00:00",
            ["Tokens:Issuer"] = "http://plain.example/",
            ["Limits:ConcurrentStreamsPerClient"] = "0",
            ["Requests:MaxJustificationLength"] = "5000",
        };

        // Checked before anything reads a section: one exception, every problem, each naming its setting.
        var refused = Assert.Throws<Startup.SettingsException>(() => RecordsServer.Build(settings));

        AssertNamed(refused, "AgencyEndpoint 'not-an-endpoint'", "RecordsExchange:CaCertificatePath is required", "missing.pfx' does not exist", "DemoPeople",
            "Ledger:SigningKeyPath is required", "Ledger:CheckpointInterval", "Tokens:Issuer", "Tokens:SigningCertificatePath is required",
            "Limits:ConcurrentStreamsPerClient", "Requests:MaxJustificationLength");
        Assert.All(refused.Problems, p => Assert.DoesNotContain("   at ", p));
    }

    [Fact]
    public async Task Program_MisconfiguredServer_PrintsEveryProblemWithoutAStackTraceAndExits1()
    {
        var start = new System.Diagnostics.ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, WorkingDirectory = Path.GetTempPath() };
        start.ArgumentList.Add(ChildServers.ServerAssemblyPath());
        start.ArgumentList.Add("--RecordsExchange:AgencyEndpoint=nowhere");
        start.ArgumentList.Add("--Ledger:SigningKeyPath=" + Path.Combine(_directory, "no.key"));
        start.Environment["ASPNETCORE_ENVIRONMENT"] = "Production";
        using var process = System.Diagnostics.Process.Start(start)!;
        var error = process.StandardError.ReadToEndAsync();
        var output = process.StandardOutput.ReadToEndAsync();
        await process.WaitForExitAsync();

        Assert.Equal(1, process.ExitCode);
        var text = await error + await output;
        Assert.StartsWith("RecordsExchange cannot start; fix these settings:", text);
        Assert.Contains("AgencyEndpoint 'nowhere'", text);
        Assert.Contains("RecordsExchange:CaCertificatePath is required", text);
        Assert.Contains("no.key' does not exist", text);
        Assert.Contains("Tokens:SigningCertificatePath is required", text);
        Assert.DoesNotContain("   at ", text);
        Assert.DoesNotContain("Exception", text);
    }

    [Fact]
    public void Build_ProductionWithDevelopmentDefaults_RefusesAndCreatesNothing()
    {
        var settings = DevelopmentSettings();
        settings["RecordsExchange:DemoPeople"] = "200";
        var certificates = settings["RecordsExchange:DevelopmentCertificatesDirectory"]!;

        var refused = Assert.Throws<Startup.SettingsException>(() => RecordsServer.Build(settings, "Production"));

        AssertNamed(refused, "DevelopmentCertificatesDirectory is set, but the development PKI is only for the Development environment",
            "synthetic demo people are only loaded in the Development environment", "RecordsExchange:CaCertificatePath is required",
            "RecordsExchange:ServerCertificatePath is required", "Ledger:SigningKeyPath is required", "Tokens:EncryptionCertificatePath is required");
        // No development CA, key or token certificate was minted outside Development.
        Assert.False(Directory.Exists(certificates));
    }

    [Fact]
    public void Build_ProductionWithAConfiguredLedgerKeyThatIsMissing_NamesItAndDoesNotCreateIt()
    {
        var key = Path.Combine(_directory, "ledger.key");
        var settings = new Dictionary<string, string?> { ["Ledger:SigningKeyPath"] = key };

        var refused = Assert.Throws<Startup.SettingsException>(() => RecordsServer.Build(settings, "Production"));

        Assert.Contains(refused.Problems, p => p.Contains($"Ledger:SigningKeyPath: '{key}' does not exist"));
        Assert.False(File.Exists(key));
    }

    [Fact]
    public async Task FirstStart_EmptyMachine_CreatesDevelopmentPkiRegistersDemoAgencyAndLoadsSyntheticPeople()
    {
        var settings = DevelopmentSettings();
        var development = new DevelopmentCertificates(settings["RecordsExchange:DevelopmentCertificatesDirectory"]!);
        await using (var app = RecordsServer.Build(settings, "Development"))
        {
            await app.StartAsync();
            var address = RecordsServer.AgencyAddress(app);

            var options = AgencyConnectionOptions.FromFiles(address, development.DemoClientPfxPath, development.CaCertificatePath);
            using (var agency = AgencyConnection.Open(options))
            {
                var response = await agency.Records.GetCriminalHistoryAsync(new GetCriminalHistoryRequest
                {
                    Context = RecordsServer.Context(),
                    Subject = new SubjectRef { BookingNumber = "DEMO-B-000001" },
                });
                Assert.True(response.Person.Synthetic);
                Assert.NotEmpty(response.Charges);
            }
            await app.StopAsync();
        }

        var caBefore = await File.ReadAllBytesAsync(development.CaCertificatePath);
        await using (var again = RecordsServer.Build(settings, "Development"))
        {
            await again.StartAsync();
            await using var db = again.Services.GetRequiredService<RecordsDatabase>().CreateDbContext();
            Assert.Equal(200, await db.People.CountAsync());
            Assert.Equal(200, await db.People.CountAsync(p => p.Synthetic));
            var administrative = await db.AuditEntries.Where(e => e.Decision == AuditDecision.Administrative && e.Method.StartsWith("admin/")).Select(e => e.Method).ToListAsync();
            // The four demo clients (agency, oversight, jail system, jail staff); one policy entry per start, naming the policy each start decided under.
            Assert.Equal(["admin/RegisterClient", "admin/RegisterClient", "admin/RegisterClient", "admin/RegisterClient", "admin/SeedDemoData", "admin/LoadPolicy", "admin/LoadPolicy"], administrative);
            Assert.True(File.Exists(development.LedgerSigningKeyPath));
            Assert.NotNull(await db.Checkpoints.FirstOrDefaultAsync());
            await again.StopAsync();
        }
        Assert.Equal(caBefore, await File.ReadAllBytesAsync(development.CaCertificatePath));
    }

    private static void AssertNamed(Startup.SettingsException refused, params string[] problems)
    {
        foreach (var problem in problems)
        {
            Assert.Contains(refused.Problems, p => p.Contains(problem, StringComparison.Ordinal));
        }
    }

    public void Dispose()
    {
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        if (Directory.Exists(_directory))
        {
            Directory.Delete(_directory, recursive: true);
        }
    }
}
