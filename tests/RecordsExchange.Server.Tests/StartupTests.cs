using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
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
        ["RecordsExchange:DevelopmentCertificatesDirectory"] = Path.Combine(_directory, "certs"),
        ["Database:ConnectionString"] = $"Data Source={Path.Combine(_directory, "records.db")}",
    };

    [Fact]
    public async Task Start_MisconfiguredServer_RefusesWithEveryProblemAtOnce()
    {
        var settings = new Dictionary<string, string?>
        {
            ["RecordsExchange:AgencyEndpoint"] = "not-an-endpoint",
            ["RecordsExchange:DevelopmentCertificatesDirectory"] = "",
            ["RecordsExchange:ServerCertificatePath"] = Path.Combine(_directory, "missing.pfx"),
            ["RecordsExchange:DemoPeople"] = "-1",
            ["Database:ConnectionString"] = $"Data Source={Path.Combine(_directory, "records.db")}",
        };

        // Kestrel reads the validated options while the host is built, so the refusal may come from Build or Start.
        var refused = await Assert.ThrowsAsync<OptionsValidationException>(async () => await RecordsServer.Build(settings).StartAsync());

        Assert.Contains(refused.Failures, f => f.Contains("AgencyEndpoint 'not-an-endpoint'"));
        Assert.Contains(refused.Failures, f => f.Contains("CaCertificatePath is required"));
        Assert.Contains(refused.Failures, f => f.Contains("missing.pfx' does not exist"));
        Assert.Contains(refused.Failures, f => f.Contains("DemoPeople"));
    }

    [Fact]
    public async Task FirstStart_EmptyMachine_CreatesDevelopmentPkiRegistersDemoAgencyAndLoadsSyntheticPeople()
    {
        var settings = DevelopmentSettings();
        var development = new DevelopmentCertificates(settings["RecordsExchange:DevelopmentCertificatesDirectory"]!);
        await using (var app = RecordsServer.Build(settings))
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
        await using (var again = RecordsServer.Build(settings))
        {
            await again.StartAsync();
            await using var db = again.Services.GetRequiredService<RecordsDatabase>().CreateDbContext();
            Assert.Equal(200, await db.People.CountAsync());
            Assert.Equal(200, await db.People.CountAsync(p => p.Synthetic));
            var administrative = await db.AuditEntries.Where(e => e.Decision == AuditDecision.Administrative && e.Method.StartsWith("admin/")).Select(e => e.Method).ToListAsync();
            // One policy entry per start, naming the policy each start decided under.
            Assert.Equal(["admin/RegisterClient", "admin/RegisterClient", "admin/RegisterClient", "admin/SeedDemoData", "admin/LoadPolicy", "admin/LoadPolicy"], administrative);
            Assert.True(File.Exists(development.LedgerSigningKeyPath));
            Assert.NotNull(await db.Checkpoints.FirstOrDefaultAsync());
            await again.StopAsync();
        }
        Assert.Equal(caBefore, await File.ReadAllBytesAsync(development.CaCertificatePath));
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
