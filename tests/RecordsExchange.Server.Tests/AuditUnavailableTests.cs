using Grpc.Core;
using Microsoft.Data.Sqlite;
using RecordsExchange.Protos.V1;

namespace RecordsExchange.Server.Tests;

/// <summary>A server whose database gives up on a lock quickly, so a blocked ledger shows within seconds.</summary>
public sealed class QuickTimeoutServer : RecordsServer
{
    protected override Dictionary<string, string?> Settings()
    {
        var settings = base.Settings();
        settings["Database:ConnectionString"] = ConnectionString + ";Default Timeout=1";
        return settings;
    }
}

public sealed class AuditUnavailableTests(QuickTimeoutServer server) : IClassFixture<QuickTimeoutServer>
{
    [Fact]
    public async Task GetCriminalHistory_LedgerCannotWrite_UnavailableAndNothingDisclosed()
    {
        var client = server.Client();
        // The client holds its access token before the ledger stops writing (issuing one is audited too).
        await client.GetCriminalHistoryAsync(new GetCriminalHistoryRequest { Context = RecordsServer.Context(), Subject = new SubjectRef { BookingNumber = TestPeople.AlphaBooking } });
        var blocked = RecordsServer.Context();
        await using (var blocker = new SqliteConnection(server.ConnectionString))
        {
            // Another writer holds the database, as a stuck backup or a full disk would.
            await blocker.OpenAsync();
            await using var transaction = (SqliteTransaction)await blocker.BeginTransactionAsync();
            await using var write = blocker.CreateCommand();
            write.Transaction = transaction;
            write.CommandText = "CREATE TABLE Blocker (x INTEGER)";
            await write.ExecuteNonQueryAsync();

            var call = client.GetCriminalHistoryAsync(new GetCriminalHistoryRequest { Context = blocked, Subject = new SubjectRef { BookingNumber = TestPeople.AlphaBooking } });
            var refused = await Assert.ThrowsAsync<RpcException>(() => call.ResponseAsync);

            Assert.Equal(StatusCode.Unavailable, refused.StatusCode);
            Assert.DoesNotContain("Tester", refused.Status.Detail);
            Assert.DoesNotContain("PC 211", refused.Status.Detail);
            Assert.Null(refused.Trailers.GetValue("decision-id"));
            await transaction.RollbackAsync();
        }

        var audit = await server.AuditAsync();
        Assert.DoesNotContain(audit, e => e.CaseNumber == blocked.CaseNumber);
        // Once the ledger can write again, calls are answered and audited as before.
        var allowed = RecordsServer.Context();
        var response = await client.GetCriminalHistoryAsync(new GetCriminalHistoryRequest { Context = allowed, Subject = new SubjectRef { BookingNumber = TestPeople.AlphaBooking } });
        Assert.Equal((ulong)(await server.AuditForCaseAsync(allowed.CaseNumber)).Sequence, response.DecisionId);
    }
}
