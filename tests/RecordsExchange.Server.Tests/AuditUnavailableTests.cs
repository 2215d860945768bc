using Grpc.Core;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using RecordsExchange.Protos.V1;

using RecordsExchange.Tests;

namespace RecordsExchange.Server.Tests;

/// <summary>
/// A server whose database gives up on a lock after one second (Database:LockTimeout), the
/// connection string otherwise as shipped, so a blocked ledger shows within seconds.
/// </summary>
public sealed class QuickTimeoutServer : RecordsServer
{
    protected override Dictionary<string, string?> Settings()
    {
        var settings = base.Settings();
        settings["Database:LockTimeout"] = "00:00:01";
        return settings;
    }
}

public sealed class AuditUnavailableTests(QuickTimeoutServer server) : IClassFixture<QuickTimeoutServer>
{
    // Far beyond the configured one-second lock timeout, far below the ~35 s a call used to wait.
    private static readonly TimeSpan s_deadline = TimeSpan.FromSeconds(20);

    /// <summary>
    /// Makes only the ledger's inserts fail (a trigger the database runs, as a full ledger table or a
    /// constraint would), while every other table still takes writes, until disposed.
    /// </summary>
    private async Task<IAsyncDisposable> BreakLedgerAsync()
    {
        await server.ExecuteSqlAsync("CREATE TRIGGER TestLedgerFails BEFORE INSERT ON AuditEntries BEGIN SELECT RAISE(ABORT, 'the ledger cannot write'); END;");
        return new Restore(() => server.ExecuteSqlAsync("DROP TRIGGER TestLedgerFails;"));
    }

    private sealed record Restore(Func<Task> Undo) : IAsyncDisposable
    {
        public async ValueTask DisposeAsync() => await Undo();
    }

    [Fact]
    public async Task GetCriminalHistory_LedgerCannotWrite_UnavailableWithinTheLockTimeoutAndNothingDisclosed()
    {
        var client = server.Client();
        // The client holds its access token before the ledger stops writing (issuing one is audited too).
        await client.GetCriminalHistoryAsync(new GetCriminalHistoryRequest { Context = RecordsServer.Context(), Subject = new SubjectRef { BookingNumber = TestPeople.AlphaBooking } });
        var blocked = RecordsServer.Context();
        await using (await WriteLock.HoldAsync(server.ConnectionString))
        {
            var call = client.GetCriminalHistoryAsync(new GetCriminalHistoryRequest { Context = blocked, Subject = new SubjectRef { BookingNumber = TestPeople.AlphaBooking } },
                deadline: DateTime.UtcNow.Add(s_deadline));
            var refused = await Assert.ThrowsAsync<RpcException>(() => call.ResponseAsync);

            Assert.Equal(StatusCode.Unavailable, refused.StatusCode);
            Assert.DoesNotContain("Tester", refused.Status.Detail);
            Assert.DoesNotContain("PC 211", refused.Status.Detail);
            Assert.Null(refused.Trailers.GetValue("decision-id"));
        }

        var audit = await server.AuditAsync();
        Assert.DoesNotContain(audit, e => e.CaseNumber == blocked.CaseNumber);
        // Once the ledger can write again, calls are answered and audited as before.
        var allowed = RecordsServer.Context();
        var response = await client.GetCriminalHistoryAsync(new GetCriminalHistoryRequest { Context = allowed, Subject = new SubjectRef { BookingNumber = TestPeople.AlphaBooking } });
        Assert.Equal((ulong)(await server.AuditForCaseAsync(allowed.CaseNumber)).Sequence, response.DecisionId);
    }

    [Fact]
    public async Task GetReleaseInfo_LedgerCannotWrite_NoReleaseDateNoticeForTheAnswerNeverSent()
    {
        var client = server.Client();
        var first = new GetReleaseInfoRequest { Context = RecordsServer.Context(LegalBasis.AdministrativeDetainer, "I247A-1"), Subject = new SubjectRef { BookingNumber = TestPeople.AlphaBooking } };
        // Answered: the date is shared and the person is owed a notice.
        Assert.NotNull((await client.GetReleaseInfoAsync(first)).ScheduledReleaseDate);
        var before = await ReleaseNoticesAsync();
        Assert.NotEmpty(before);

        await using (await BreakLedgerAsync())
        {
            var blocked = new GetReleaseInfoRequest { Context = RecordsServer.Context(LegalBasis.AdministrativeDetainer, "I247A-2"), Subject = new SubjectRef { BookingNumber = TestPeople.AlphaBooking } };
            var refused = await Assert.ThrowsAsync<RpcException>(() => client.GetReleaseInfoAsync(blocked, deadline: DateTime.UtcNow.Add(s_deadline)).ResponseAsync);
            Assert.Equal(StatusCode.Unavailable, refused.StatusCode);
        }

        // The refused answer left no notice behind: the person is never told of a disclosure that did not happen.
        Assert.Equal(before.Count, (await ReleaseNoticesAsync()).Count);
    }

    private async Task<List<Core.Detainers.SubjectNotice>> ReleaseNoticesAsync()
    {
        await using var db = server.Services.GetRequiredService<Data.RecordsDatabase>().CreateDbContext();
        return await db.SubjectNotices.AsNoTracking().Where(n => n.Kind == Core.Detainers.NoticeKind.ReleaseDateShared && n.BookingNumber == TestPeople.AlphaBooking).ToListAsync();
    }
}
