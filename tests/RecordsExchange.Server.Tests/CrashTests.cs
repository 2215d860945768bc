using System.Collections.Concurrent;
using Grpc.Core;
using RecordsExchange.Data;
using RecordsExchange.Protos.V1;

namespace RecordsExchange.Server.Tests;

/// <summary>
/// The server as a separate process under concurrent load, killed with SIGKILL at random moments and
/// restarted: every answer a client received must have its audit entry, and the ledger must verify
/// with gapless sequence numbers.
/// </summary>
public sealed class CrashTests : IAsyncDisposable
{
    private const int Rounds = 4;
    private const int Callers = 16;

    private readonly string _directory = Path.Combine(Path.GetTempPath(), "rx-crash-" + Guid.NewGuid().ToString("N"));
    private readonly TestPki _pki;
    private readonly string _connectionString;
    private readonly ChildServers _servers;

    public CrashTests()
    {
        Directory.CreateDirectory(_directory);
        _pki = new TestPki(_directory);
        _connectionString = $"Data Source={Path.Combine(_directory, "records.db")}";
        _servers = new ChildServers(_pki, _directory, DatabaseProvider.Sqlite, _connectionString);
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

    private Task PrepareDatabaseAsync() => _servers.PrepareDatabaseAsync();

    private Task<ChildServer> StartServerAsync() => _servers.StartAsync();

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
