using RecordsExchange.Core.Certificates;
using RecordsExchange.Data;

namespace RecordsExchange.Server.Tests;

public sealed class CliTests(RecordsServer server) : IClassFixture<RecordsServer>
{
    private static Task<Rx.Result> RxAsync(params string[] args) => Rx.RunAsync(args);

    private string[] AgencyArguments(string method, params string[] extra)
    {
        var pfx = Path.Combine(server.Directory, "cli-agency.pfx");
        if (!File.Exists(pfx))
        {
            CertificateAuthority.WritePfx(server.Pki.Registered, pfx);
        }
        return
        [
            "query", method, "--server", server.Address.ToString(), "--cert", pfx, "--ca", server.Pki.CaPath,
            "--officer-id", "4471", "--officer-name", "Dana Example", "--purpose", "C", "--case-number", "CLI-1", "--justification", "CLI test",
            .. extra,
        ];
    }

    [Fact]
    public async Task QueryHistory_AsRegisteredAgency_PrintsTheRecord()
    {
        var result = await RxAsync(AgencyArguments("history", "--booking-number", TestPeople.AlphaBooking));

        Assert.True(result.ExitCode == 0, result.Error);
        Assert.Contains("Tester, Alpha, born 1980-01-02", result.Output);
        Assert.Contains("PC 211", result.Output);
        Assert.Contains("convicted 2021-09-01 as felony, sentence: state prison", result.Output);
        Assert.Empty(result.Error);
    }

    [Fact]
    public async Task QueryRelease_NotQualifyingWithoutWarrant_ExitsNonZeroWithOneLineNamingTheRule()
    {
        var result = await RxAsync(AgencyArguments("release", "--booking-number", "TB-W-5Y1M", "--legal-basis", "detainer", "--document-number", "I247A-1"));

        Assert.Equal(1, result.ExitCode);
        var line = Assert.Single(result.Error.Split('\n', StringSplitOptions.RemoveEmptyEntries));
        Assert.StartsWith("rx: PermissionDenied: ", line);
        Assert.Contains("rule ca.default-deny", line);
        Assert.Contains("decision ", line);
        Assert.Empty(result.Output);
    }

    [Fact]
    public async Task QueryRelease_WithWarrant_PrintsScheduledDate()
    {
        var result = await RxAsync(AgencyArguments("release", "--person-number", "TP-0001", "--legal-basis", "warrant", "--document-number", "CR-9"));

        Assert.Equal(0, result.ExitCode);
        Assert.Contains("scheduled release:  2027-03-14", result.Output);
    }

    [Fact]
    public async Task Query_TwoSubjects_ExitsNonZeroWithoutCallingTheServer()
    {
        var before = (await server.AuditAsync()).Count;

        var result = await RxAsync(AgencyArguments("history", "--booking-number", "TB-0001", "--person-number", "TP-0001"));

        Assert.Equal(1, result.ExitCode);
        Assert.StartsWith("rx: Name exactly one subject", result.Error);
        Assert.Equal(before, (await server.AuditAsync()).Count);
    }

    [Fact]
    public async Task AuditTail_AfterACall_ShowsItsEntry()
    {
        await RxAsync(AgencyArguments("history", "--booking-number", TestPeople.AlphaBooking));

        var result = await RxAsync("audit", "tail", "-n", "3", "--database", server.ConnectionString);

        Assert.Equal(0, result.ExitCode);
        var last = result.Output.Split('\n', StringSplitOptions.RemoveEmptyEntries)[^1];
        Assert.Contains("GetCriminalHistory", last);
        Assert.Contains(RecordsServer.ClientId, last);
        Assert.Contains("Permit", last);
    }

    [Fact]
    public async Task CertsInit_EmptyFolder_CreatesPkiAndRegistersDemoAgencyOnce()
    {
        var directory = Path.Combine(server.Directory, "init-" + Guid.NewGuid().ToString("N"));
        var database = $"Data Source={Path.Combine(directory, "records.db")}";

        var first = await RxAsync("certs", "init", "--dir", Path.Combine(directory, "certs"), "--database", database);
        var second = await RxAsync("certs", "init", "--dir", Path.Combine(directory, "certs"), "--database", database);

        Assert.Equal((0, 0), (first.ExitCode, second.ExitCode));
        Assert.Contains("Created the development PKI", first.Output);
        Assert.Contains("already exists", second.Output);
        Assert.Contains("already registered", second.Output);
        var development = new DevelopmentCertificates(Path.Combine(directory, "certs"));
        using var demo = CertificateAuthority.LoadCertificate(development.DemoClientCertificatePath);
        var registry = new AgencyClientRegistry(new RecordsDatabase(new DatabaseOptions { ConnectionString = database }), TimeProvider.System);
        Assert.Equal(DevelopmentCertificates.DemoClientId, (await registry.FindActiveByThumbprintAsync(CertificateAuthority.Thumbprint(demo)))?.ClientId);
    }

    [Fact]
    public async Task AuditTail_DatabaseFileMissing_OneLineNamingTheFileAndTheFix()
    {
        var missing = Path.Combine(server.Directory, "no-such", "records.db");

        var result = await RxAsync("audit", "tail", "--database", $"Data Source={missing}");

        Assert.Equal(1, result.ExitCode);
        Assert.Equal($"rx: --database: the database file '{missing}' does not exist.", result.Error.Split(" Run rx")[0]);
        Assert.Single(result.Error.TrimEnd().Split('\n'));
        Assert.False(File.Exists(missing));
    }

    [Fact]
    public async Task AuditTail_FileThatIsNotTheServersDatabase_OneLineSayingWhatTheDatabaseRefused()
    {
        var other = Path.Combine(server.Directory, $"other-{Guid.NewGuid():N}.db");
        await File.WriteAllBytesAsync(other, []);

        var result = await RxAsync("audit", "tail", "--database", $"Data Source={other};Pooling=False");

        Assert.Equal(1, result.ExitCode);
        Assert.StartsWith("rx: the database refused the command: ", result.Error);
        Assert.Contains("no such table: AuditEntries", result.Error);
        Assert.Single(result.Error.TrimEnd().Split('\n'));
    }

    [Fact]
    public async Task Query_CertificateFileMissing_OneLineNamingTheFile()
    {
        var missing = Path.Combine(server.Directory, "absent-agency.pfx");

        var result = await RxAsync("query", "history", "--booking-number", TestPeople.AlphaBooking, "--server", server.Address.ToString(), "--cert", missing, "--ca", server.Pki.CaPath);

        Assert.Equal(1, result.ExitCode);
        Assert.Equal($"rx: The certificate file '{missing}' does not exist (expected a PKCS#12 certificate with its private key).", result.Error.TrimEnd());
    }
}
