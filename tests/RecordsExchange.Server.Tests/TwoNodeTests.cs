using System.Collections.Concurrent;
using Grpc.Core;
using Microsoft.EntityFrameworkCore;
using RecordsExchange.Core.Ledger;
using RecordsExchange.Data;
using RecordsExchange.Protos.V1;


namespace RecordsExchange.Server.Tests;

/// <summary>
/// Several nodes on one server database, as a county that must stay up runs them: two real server
/// processes against one PostgreSQL database (RECORDSEXCHANGE_POSTGRES; `.ci/run` starts one), and
/// the same against SQL Server when RECORDSEXCHANGE_SQLSERVER names one.
/// </summary>
public sealed class TwoNodeTests : IDisposable
{
    private const int CallersPerNode = 8;

    private readonly string _directory = Path.Combine(Path.GetTempPath(), "rx-nodes-" + Guid.NewGuid().ToString("N"));
    private readonly TestPki _pki;

    public TwoNodeTests()
    {
        Directory.CreateDirectory(_directory);
        _pki = new TestPki(_directory);
    }

    [Theory]
    [InlineData(DatabaseProvider.Postgres)]
    [InlineData(DatabaseProvider.SqlServer)]
    public async Task TwoNodes_LoadOnBoth_ThenOneKilled_TheOtherAnswers_LedgerGaplessUnforkedAndVerifies_CheckpointsAgree(DatabaseProvider provider)
    {
        await using var database = await NodeDatabase.CreateAsync(provider);
        var servers = new ChildServers(_pki, _directory, provider, database.ConnectionString);
        await servers.PrepareDatabaseAsync();
        // Checkpoints every second, so both nodes sign many while their writes interleave.
        using var a = await servers.StartAsync("--Ledger:CheckpointInterval=00:00:01");
        using var b = await servers.StartAsync("--Ledger:CheckpointInterval=00:00:01");
        using var toA = Client.AgencyConnection.Open(new Client.AgencyConnectionOptions(a.Address, _pki.Registered, _pki.Ca));
        using var toB = Client.AgencyConnection.Open(new Client.AgencyConnectionOptions(b.Address, _pki.Registered, _pki.Ca));
        var answered = new ConcurrentDictionary<string, ulong>();

        // Both nodes under load at once, a fixed number of calls each.
        await Task.WhenAll(Enumerable.Range(0, 2 * CallersPerNode).Select(i => Task.Run(async () =>
        {
            var client = i % 2 == 0 ? toA.Records : toB.Records;
            for (var n = 0; n < 25; n++)
            {
                await CallAsync(client, answered);
            }
        })));
        Assert.Equal(2 * CallersPerNode * 25, answered.Count);

        // Node A killed with SIGKILL while both are busy; B keeps answering (every call to B must succeed).
        using var stop = new CancellationTokenSource();
        var onA = Enumerable.Range(0, CallersPerNode).Select(_ => Task.Run(() => CallUntilStoppedAsync(toA.Records, answered, stop.Token))).ToList();
        var beforeKill = answered.Count;
        await Task.WhenAll(Enumerable.Range(0, CallersPerNode).Select(_ => Task.Run(async () =>
        {
            for (var n = 0; n < 5; n++)
            {
                await CallAsync(toB.Records, answered);
            }
        })));
        await a.KillAsync();
        var afterKill = answered.Count;
        await Task.WhenAll(Enumerable.Range(0, CallersPerNode).Select(_ => Task.Run(async () =>
        {
            for (var n = 0; n < 10; n++)
            {
                await CallAsync(toB.Records, answered);
            }
        })));
        await stop.CancelAsync();
        await Task.WhenAll(onA);
        Assert.True(answered.Count >= afterKill + (CallersPerNode * 10), "node B stopped answering when node A died");
        Assert.True(afterKill > beforeKill);

        // Every answer has its entry, under the decision id the caller was given; the sequence has no gap.
        await using (var db = servers.Database.CreateDbContext())
        {
            var entries = await db.AuditEntries.Where(e => e.CaseNumber != null).ToDictionaryAsync(e => e.CaseNumber!, e => e.Sequence);
            foreach (var (caseNumber, decisionId) in answered)
            {
                Assert.True(entries.TryGetValue(caseNumber, out var sequence), $"the answer for {caseNumber} has no audit entry");
                Assert.Equal((long)decisionId, sequence);
            }
            var sequences = await db.AuditEntries.OrderBy(e => e.Sequence).Select(e => e.Sequence).ToListAsync();
            Assert.Equal(Enumerable.Range(1, sequences.Count).Select(i => (long)i), sequences);

            // Checkpoints signed by either node: never two different roots for one size.
            var checkpoints = await db.Checkpoints.AsNoTracking().ToListAsync();
            Assert.True(checkpoints.Count >= 2, $"only {checkpoints.Count} checkpoint(s) were signed");
            Assert.All(checkpoints.GroupBy(c => c.TreeSize), size =>
                Assert.Single(size.Select(c => Convert.ToBase64String(Checkpoint.Open(c.Note, _pki.VerifierKey).RootHash)).Distinct()));
        }
        var verified = await Rx.RunAsync("audit", "verify", "--db", "--provider", provider.ToString(), "--database", database.ConnectionString, "--vkey", _pki.Ledger.VerifierKeyPath);
        Assert.True(verified.ExitCode == 0, verified.Error + verified.Output);
    }

    [Theory]
    [InlineData(DatabaseProvider.Postgres)]
    [InlineData(DatabaseProvider.SqlServer)]
    public async Task TwoNodes_ReleaseDateIngestedOnA_ReachesAStreamOnB_AndARevocationByRxIsRefusedOnBoth(DatabaseProvider provider)
    {
        await using var database = await NodeDatabase.CreateAsync(provider);
        var servers = new ChildServers(_pki, _directory, provider, database.ConnectionString);
        await servers.PrepareDatabaseAsync();
        using var a = await servers.StartAsync();
        using var b = await servers.StartAsync();
        using var jmsOnA = Client.AgencyConnection.Open(new Client.AgencyConnectionOptions(a.Address, _pki.Jms, _pki.Ca));
        using var toA = Client.AgencyConnection.Open(new Client.AgencyConnectionOptions(a.Address, _pki.Registered, _pki.Ca));
        using var toB = Client.AgencyConnection.Open(new Client.AgencyConnectionOptions(b.Address, _pki.Registered, _pki.Ca));
        var ingest = new IngestService.IngestServiceClient(jmsOnA.Invoker);

        // The stream is open on B before anything happens on A.
        var (_, booking) = await DetainerFlow.IngestPersonAsync(ingest, seriousFelony: true);
        await DetainerFlow.FileAsync(toB.Records, booking, DetainerRequestType.Notify);
        using var bound = new CancellationTokenSource(TimeSpan.FromMinutes(1));
        using var stream = toB.Records.WatchReleaseNotifications(new WatchReleaseNotificationsRequest(), cancellationToken: bound.Token);
        var release = DateOnly.FromDateTime(DateTime.UtcNow).AddDays(10);
        await ingest.SetScheduledReleaseAsync(new SetScheduledReleaseRequest { EventId = DetainerFlow.NewId("ev"), BookingNumber = booking, ScheduledReleaseDate = Core.Requests.CalendarDates.ToCalendarDate(release) });
        ReleaseNotification? received = null;
        while (received is null && await stream.ResponseStream.MoveNext(bound.Token))
        {
            received = stream.ResponseStream.Current.Notification is { } n && n.BookingNumber == booking ? n : null;
        }
        Assert.NotNull(received);
        Assert.Equal(Core.Requests.CalendarDates.ToCalendarDate(release), received.ScheduledReleaseDate);

        // Both nodes answer the agency; then the county revokes it with rx against the database, and
        // the very next call on each node is refused (the change counters are read on every call).
        await CallAsync(toA.Records, new());
        await CallAsync(toB.Records, new());
        var revoked = await Rx.RunAsync("clients", "revoke", "--id", RecordsServer.ClientId, "--provider", provider.ToString(), "--database", database.ConnectionString);
        Assert.True(revoked.ExitCode == 0, revoked.Error);
        foreach (var node in new[] { toA.Records, toB.Records })
        {
            var refused = await Assert.ThrowsAsync<RpcException>(() => CallAsync(node, new()));
            Assert.Contains(refused.StatusCode, new[] { StatusCode.PermissionDenied, StatusCode.Unauthenticated });
        }
    }

    [Theory]
    [InlineData(DatabaseProvider.Postgres)]
    [InlineData(DatabaseProvider.SqlServer)]
    public async Task TwoNodes_QuotasArePerNode_AsDocumented_EachNodeAllowsTheQuota(DatabaseProvider provider)
    {
        await using var database = await NodeDatabase.CreateAsync(provider);
        var servers = new ChildServers(_pki, _directory, provider, database.ConnectionString);
        await servers.PrepareDatabaseAsync();
        await File.WriteAllTextAsync(servers.PolicyPath, Core.Policy.PolicyText.WithDefaultQuota(RecordsServer.CaliforniaPolicy(), "{ calls_per_minute: 3, distinct_subjects_per_day: 300 }"));
        using var a = await servers.StartAsync();
        using var b = await servers.StartAsync();
        using var toA = Client.AgencyConnection.Open(new Client.AgencyConnectionOptions(a.Address, _pki.Registered, _pki.Ca));
        using var toB = Client.AgencyConnection.Open(new Client.AgencyConnectionOptions(b.Address, _pki.Registered, _pki.Ca));

        // The README: quotas are kept per node, so N nodes allow a client N times the policy's quota.
        foreach (var node in new[] { toA.Records, toB.Records })
        {
            for (var i = 0; i < 3; i++)
            {
                await CallAsync(node, new());
            }
            var over = await Assert.ThrowsAsync<RpcException>(() => CallAsync(node, new()));
            Assert.Equal(StatusCode.ResourceExhausted, over.StatusCode);
        }
    }

    private static async Task CallAsync(RecordsService.RecordsServiceClient client, ConcurrentDictionary<string, ulong> answered)
    {
        var context = RecordsServer.Context();
        var response = await client.GetCriminalHistoryAsync(new GetCriminalHistoryRequest { Context = context, Subject = new SubjectRef { BookingNumber = TestPeople.AlphaBooking } },
            deadline: DateTime.UtcNow.AddSeconds(30));
        answered[context.CaseNumber] = response.DecisionId;
    }

    // Calls until stopped or until the node dies: a call that fails here got no answer, so nothing is
    // owed, and a real client would now go to the other node, which the test drives on its own.
    private static async Task CallUntilStoppedAsync(RecordsService.RecordsServiceClient client, ConcurrentDictionary<string, ulong> answered, CancellationToken stop)
    {
        try
        {
            while (!stop.IsCancellationRequested)
            {
                await CallAsync(client, answered);
            }
        }
        catch (RpcException)
        {
            // The node is gone.
        }
    }

    public void Dispose()
    {
        _pki.Dispose();
        try
        {
            Directory.Delete(_directory, recursive: true);
        }
        catch (IOException)
        {
            // A leftover temp folder is harmless.
        }
    }
}
