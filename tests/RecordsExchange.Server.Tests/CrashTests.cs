using System.Collections.Concurrent;
using System.Diagnostics;
using System.Text.RegularExpressions;
using Grpc.Core;
using RecordsExchange.Core.Clients;
using RecordsExchange.Data;
using RecordsExchange.Protos.V1;

namespace RecordsExchange.Server.Tests;

/// <summary>
/// The server as a separate process under concurrent load, killed with SIGKILL at random moments and
/// restarted: every answer a client received must have its audit entry, and the ledger must verify
/// with gapless sequence numbers.
/// </summary>
public sealed partial class CrashTests : IAsyncDisposable
{
    private const int Rounds = 4;
    private const int Callers = 16;

    private readonly string _directory = Path.Combine(Path.GetTempPath(), "rx-crash-" + Guid.NewGuid().ToString("N"));
    private readonly TestPki _pki;
    private readonly string _connectionString;

    public CrashTests()
    {
        Directory.CreateDirectory(_directory);
        _pki = new TestPki(_directory);
        _connectionString = $"Data Source={Path.Combine(_directory, "records.db")}";
    }

    [Fact]
    public async Task Server_KilledUnderLoadAndRestarted_EveryAnswerHasItsEntryAndTheLedgerVerifies()
    {
        await PrepareDatabaseAsync();
        var answered = new ConcurrentDictionary<string, ulong>();
        var random = new Random();

        for (var round = 0; round < Rounds; round++)
        {
            using var server = await StartServerAsync();
            using var agency = Client.AgencyConnection.Open(new Client.AgencyConnectionOptions(server.Address, _pki.Registered, _pki.Ca));
            var client = agency.Records;
            await WaitUntilAnsweringAsync(client, answered);
            using var stop = new CancellationTokenSource();
            var callers = Enumerable.Range(0, Callers).Select(_ => Task.Run(() => CallUntilStoppedAsync(client, answered, stop.Token))).ToList();

            await Task.Delay(random.Next(500, 2000));
            server.Process.Kill(entireProcessTree: true);
            await server.Process.WaitForExitAsync();
            stop.Cancel();
            await Task.WhenAll(callers);
        }

        // Many answers across the kills (hundreds in runs here), so the check covers real load.
        Assert.True(answered.Count >= 10 * Rounds, $"only {answered.Count} calls were answered");
        // A last clean start recovers the ledger, then every entry is checked from the database alone.
        using (var last = await StartServerAsync())
        {
            last.Process.Kill(entireProcessTree: true);
            await last.Process.WaitForExitAsync();
        }
        var database = new RecordsDatabase(new DatabaseOptions { ConnectionString = _connectionString });
        await using var db = database.CreateDbContext();
        var entries = db.AuditEntries.Where(e => e.CaseNumber != null).ToDictionary(e => e.CaseNumber!, e => e.Sequence);
        foreach (var (caseNumber, decisionId) in answered)
        {
            Assert.True(entries.TryGetValue(caseNumber, out var sequence), $"the answer for {caseNumber} has no audit entry");
            Assert.Equal((long)decisionId, sequence);
        }
        var sequences = db.AuditEntries.OrderBy(e => e.Sequence).Select(e => e.Sequence).ToList();
        Assert.Equal(Enumerable.Range(1, sequences.Count).Select(i => (long)i), sequences);

        var verified = await Rx.RunAsync("audit", "verify", "--db", "--database", _connectionString, "--vkey", _pki.Ledger.VerifierKeyPath);
        Assert.True(verified.ExitCode == 0, verified.Error);
        Assert.StartsWith($"Verified {sequences.Count} entries", verified.Output);
    }

    [Fact]
    public async Task Server_KilledBetweenQueueingAndDeliveryAndBeforeAcknowledgement_LosesNothingAndRedeliversUnderTheSameId()
    {
        await PrepareDatabaseAsync();
        // People whose records meet 7282.5 under the California profile: their notification requests are honored.
        string[] bookings = [TestPeople.AlphaBooking, "TB-W-4Y11M", "TB-F-14Y", "TB-PEND-PC"];
        var release = DateOnly.FromDateTime(DateTime.UtcNow).AddDays(30);

        using (var server = await StartServerAsync())
        {
            using var agency = Client.AgencyConnection.Open(new Client.AgencyConnectionOptions(server.Address, _pki.Registered, _pki.Ca));
            using var jms = Client.AgencyConnection.Open(new Client.AgencyConnectionOptions(server.Address, _pki.Jms, _pki.Ca));
            var flow = new IngestService.IngestServiceClient(jms.Invoker);
            foreach (var booking in bookings)
            {
                var filed = await agency.Records.FileDetainerAsync(new FileDetainerRequest
                {
                    Context = RecordsServer.Context(LegalBasis.AdministrativeDetainer, "I247A-1"), Subject = new SubjectRef { BookingNumber = booking },
                    RequestType = DetainerRequestType.Notify, IssuingOffice = "Test Field Office", EventNumber = "EV-1", FileNumber = "A-1",
                    ProbableCauseBasis = ProbableCauseBasis.BiometricMatch, WarrantType = WarrantType.AdministrativeArrest,
                });
                Assert.Equal(CountyAction.WillNotify, filed.CountyAction);
                var set = await flow.SetScheduledReleaseAsync(new SetScheduledReleaseRequest { EventId = "ev-" + booking, BookingNumber = booking, ScheduledReleaseDate = Core.Requests.CalendarDates.ToCalendarDate(release) });
                Assert.Equal(1u, set.NotificationsQueued);
            }
            // Killed with every notification queued and none delivered.
            server.Process.Kill(entireProcessTree: true);
            await server.Process.WaitForExitAsync();
        }

        var first = await DrainAfterRestartAsync(acknowledge: false);
        // Killed after delivery, before any acknowledgement: everything comes again, under the same ids.
        var second = await DrainAfterRestartAsync(acknowledge: true);
        var third = await DrainAfterRestartAsync(acknowledge: false);

        Assert.Equal(bookings.Order(), first.Select(n => n.BookingNumber).Order());
        Assert.All(first, n => Assert.Equal(Core.Requests.CalendarDates.ToCalendarDate(release), n.ScheduledReleaseDate));
        Assert.Equal(first.Select(n => n.NotificationId).Order(), second.Select(n => n.NotificationId).Order());
        Assert.Empty(third);
        // Every delivery was in the ledger before it was sent: two per notification, one for each time it went out.
        var database = new RecordsDatabase(new DatabaseOptions { ConnectionString = _connectionString });
        await using var db = database.CreateDbContext();
        foreach (var notification in first)
        {
            Assert.Equal(2, db.AuditEntries.Count(e => e.SubjectIdentifier == "notification:" + notification.NotificationId && e.Decision == Core.Audit.AuditDecision.Permit));
        }
    }

    // Starts the server, takes every notification queued before a marker, then kills the server.
    private async Task<List<ReleaseNotification>> DrainAfterRestartAsync(bool acknowledge)
    {
        using var server = await StartServerAsync();
        using var agency = Client.AgencyConnection.Open(new Client.AgencyConnectionOptions(server.Address, _pki.Registered, _pki.Ca));
        using var jms = Client.AgencyConnection.Open(new Client.AgencyConnectionOptions(server.Address, _pki.Jms, _pki.Ca));
        var received = await DetainerFlow.DrainAsync(agency.Records, new IngestService.IngestServiceClient(jms.Invoker));
        foreach (var notification in acknowledge ? received : [])
        {
            await agency.Records.AcknowledgeReleaseNotificationAsync(new AcknowledgeReleaseNotificationRequest { NotificationId = notification.NotificationId });
        }
        server.Process.Kill(entireProcessTree: true);
        await server.Process.WaitForExitAsync();
        return received;
    }

    // A freshly started server on a busy machine may take a while to answer; the random kill only
    // counts once it does, so every round kills a server that is really serving.
    private static async Task WaitUntilAnsweringAsync(RecordsService.RecordsServiceClient client, ConcurrentDictionary<string, ulong> answered)
    {
        var deadline = DateTime.UtcNow.AddSeconds(60);
        while (true)
        {
            var context = RecordsServer.Context();
            try
            {
                var response = await client.GetCriminalHistoryAsync(
                    new GetCriminalHistoryRequest { Context = context, Subject = new SubjectRef { BookingNumber = TestPeople.AlphaBooking } },
                    deadline: DateTime.UtcNow.AddSeconds(10));
                answered[context.CaseNumber] = response.DecisionId;
                return;
            }
            catch (RpcException) when (DateTime.UtcNow < deadline)
            {
                await Task.Delay(100);
            }
        }
    }

    private static async Task CallUntilStoppedAsync(RecordsService.RecordsServiceClient client, ConcurrentDictionary<string, ulong> answered, CancellationToken stop)
    {
        while (!stop.IsCancellationRequested)
        {
            var context = RecordsServer.Context();
            try
            {
                var response = await client.GetCriminalHistoryAsync(
                    new GetCriminalHistoryRequest { Context = context, Subject = new SubjectRef { BookingNumber = TestPeople.AlphaBooking } },
                    deadline: DateTime.UtcNow.AddSeconds(5));
                answered[context.CaseNumber] = response.DecisionId;
            }
            catch (RpcException)
            {
                // The server died mid-call: the client got no answer, so nothing is owed.
                await Task.Delay(10, CancellationToken.None);
            }
        }
    }

    private string PolicyPath => Path.Combine(_directory, "policy.yaml");

    private async Task PrepareDatabaseAsync()
    {
        var database = new RecordsDatabase(new DatabaseOptions { ConnectionString = _connectionString });
        await database.MigrateAsync();
        await using (var db = database.CreateDbContext())
        {
            db.People.AddRange(TestPeople.All());
            await db.SaveChangesAsync();
        }
        var registry = new AgencyClientRegistry(database, TimeProvider.System);
        await registry.RegisterAsync(RecordsServer.ClientId, "Test Agency", RecordsServer.AgencyIdentifier, $"{Scopes.History} {Scopes.Detainers} {Scopes.Notifications}", _pki.Registered);
        await registry.RegisterAsync(RecordsServer.JmsId, "Test Jail Management System", "JMS", Scopes.Ingest, _pki.Jms);
        // California, without the per-client quota that 16 callers would exceed within seconds.
        await File.WriteAllTextAsync(PolicyPath, Core.Policy.PolicyText.WithDefaultQuota(RecordsServer.CaliforniaPolicy(), "{}"));
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
    }

    private async Task<ChildServer> StartServerAsync()
    {
        var start = new ProcessStartInfo("dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            WorkingDirectory = _directory,
        };
        foreach (var argument in new[]
        {
            ServerAssemblyPath(),
            "--RecordsExchange:AgencyEndpoint=127.0.0.1:0",
            "--RecordsExchange:PublicEndpoint=",
            "--RecordsExchange:ManagementEndpoint=",
            "--RecordsExchange:DevelopmentCertificatesDirectory=",
            $"--RecordsExchange:CaCertificatePath={_pki.CaPath}",
            $"--RecordsExchange:ServerCertificatePath={_pki.ServerPfxPath}",
            "--RecordsExchange:DemoPeople=0",
            $"--Ledger:SigningKeyPath={_pki.Ledger.SigningKeyPath}",
            $"--Ledger:Origin={_pki.Ledger.Origin}",
            $"--Tokens:SigningCertificatePath={_pki.TokenSigningPfxPath}",
            $"--Tokens:EncryptionCertificatePath={_pki.TokenEncryptionPfxPath}",
            $"--Database:ConnectionString={_connectionString}",
            $"--Policy:Path={PolicyPath}",
        })
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

    private sealed record ChildServer(Process Process, Uri Address) : IDisposable
    {
        public void Dispose()
        {
            if (!Process.HasExited)
            {
                Process.Kill(entireProcessTree: true);
            }
            Process.Dispose();
        }
    }

    public ValueTask DisposeAsync()
    {
        _pki.Dispose();
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        try
        {
            Directory.Delete(_directory, recursive: true);
        }
        catch (IOException)
        {
            // A leftover temp folder is harmless.
        }
        return ValueTask.CompletedTask;
    }
}
