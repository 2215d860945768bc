using System.Net;
using Grpc.Core;
using Microsoft.Extensions.DependencyInjection;
using RecordsExchange.Protos.V1;

using RecordsExchange.Tests;

namespace RecordsExchange.Server.Tests;

/// <summary>The management listener: health and metrics over plain HTTP on loopback, and nothing else on it.</summary>
public sealed class OperationsTests(QuickTimeoutServer server) : IClassFixture<QuickTimeoutServer>
{
    private HttpClient Management() =>
        new() { BaseAddress = new Uri($"http://127.0.0.1:{server.Services.GetRequiredService<BoundListeners>().ManagementEndpoint!.Port}") };

    private static async Task CallAsync(RecordsService.RecordsServiceClient client) =>
        await client.GetCriminalHistoryAsync(new GetCriminalHistoryRequest { Context = RecordsServer.Context(), Subject = new SubjectRef { BookingNumber = TestPeople.AlphaBooking } });

    [Fact]
    public async Task Metrics_AfterAnAuditedCall_ShowTheCallAndLedgerMeters_AndNothingPersonal()
    {
        using var http = Management();
        await CallAsync(server.Client());
        // The checkpoint's age is a gauge only once there is a checkpoint.
        await server.Services.GetRequiredService<Data.Ledger.LedgerCheckpoints>().SignIfGrownAsync(server.Services.GetRequiredService<Data.Ledger.GroupCommitLedger>().Tree);

        var metrics = await http.GetStringAsync("/metrics");

        Assert.Contains("recordsexchange_calls_total{", metrics);
        Assert.Contains("method=\"/recordsexchange.v1.RecordsService/GetCriminalHistory\"", metrics);
        Assert.Contains("decision=\"Permit\"", metrics);
        Assert.Contains("recordsexchange_policy_decisions_total{", metrics);
        Assert.Contains("recordsexchange_tokens_issued_total", metrics);
        Assert.Contains("recordsexchange_ledger_batch_size", metrics);
        Assert.Contains("recordsexchange_ledger_commit_duration_seconds", metrics);
        Assert.Contains("recordsexchange_ledger_queue_depth", metrics);
        Assert.Contains("recordsexchange_ledger_checkpoint_age_seconds", metrics);
        Assert.Contains("recordsexchange_notifications_backlog", metrics);
        // Who was asked about never appears: not the booking number, not a name.
        Assert.DoesNotContain(TestPeople.AlphaBooking, metrics);
        Assert.DoesNotContain("booking", metrics, StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public async Task ManagementListener_ServesOnlyHealthAndMetrics_AndTheOtherListenersDoNotServeThem()
    {
        using var http = Management();
        Assert.Equal(HttpStatusCode.OK, (await http.GetAsync("/healthz/live")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await http.GetAsync("/checkpoint")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await http.GetAsync("/console")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await http.GetAsync("/.well-known/openid-configuration")).StatusCode);

        using var published = server.PublicClient();
        Assert.Equal(HttpStatusCode.NotFound, (await published.GetAsync(new Uri(server.PublicAddress, "/metrics"))).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await published.GetAsync(new Uri(server.PublicAddress, "/healthz/ready"))).StatusCode);
        using var agency = server.ConsoleClient(server.Pki.Registered);
        Assert.Equal(HttpStatusCode.NotFound, (await agency.GetAsync(new Uri(server.Address, "/metrics"))).StatusCode);
    }

    private static async Task AssertReadyAsync(HttpClient http, HttpStatusCode expected)
    {
        var response = await http.GetAsync("/healthz/ready");
        Assert.True(response.StatusCode == expected, $"{response.StatusCode}: {await response.Content.ReadAsStringAsync()}");
    }

    [Fact]
    public async Task Ready_DatabaseWriteLockHeldElsewhere_Unhealthy_ThenHealthyAgain()
    {
        using var http = Management();
        await AssertReadyAsync(http, HttpStatusCode.OK);

        await using (await WriteLock.HoldAsync(server.ConnectionString))
        {
            await AssertReadyAsync(http, HttpStatusCode.ServiceUnavailable);
        }

        await AssertReadyAsync(http, HttpStatusCode.OK);
    }

    [Fact]
    public async Task Ready_LedgerWriterFailing_Unhealthy_UntilABatchCommitsAgain()
    {
        using var http = Management();
        // The client holds its access token before the ledger stops writing (issuing one is audited too).
        var client = server.Client();
        await CallAsync(client);
        await server.ExecuteSqlAsync("CREATE TRIGGER TestLedgerDown BEFORE INSERT ON AuditEntries BEGIN SELECT RAISE(ABORT, 'the ledger cannot write'); END;");
        try
        {
            var refused = await Assert.ThrowsAsync<RpcException>(() => CallAsync(client));
            Assert.Equal(StatusCode.Unavailable, refused.StatusCode);
            await AssertReadyAsync(http, HttpStatusCode.ServiceUnavailable);
            Assert.Contains("recordsexchange_ledger_commit_failures_total", await http.GetStringAsync("/metrics"));
        }
        finally
        {
            await server.ExecuteSqlAsync("DROP TRIGGER TestLedgerDown;");
        }

        await CallAsync(client);
        await AssertReadyAsync(http, HttpStatusCode.OK);
    }
}
