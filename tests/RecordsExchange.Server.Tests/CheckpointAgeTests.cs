using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Time.Testing;
using RecordsExchange.Data.Ledger;
using RecordsExchange.Protos.V1;

namespace RecordsExchange.Server.Tests;

/// <summary>A server on a fake clock that signs a checkpoint once an hour.</summary>
public sealed class HourlyCheckpointServer : RecordsServer
{
    public FakeTimeProvider Clock { get; } = new(DateTimeOffset.UtcNow);

    protected override Dictionary<string, string?> Settings()
    {
        var settings = base.Settings();
        settings["Ledger:CheckpointInterval"] = "01:00:00";
        return settings;
    }

    protected override WebApplication Build() =>
        Extensions.RecordsExchangeExtensions.BuildHost(Settings(), "Testing", services: services => services.AddSingleton<TimeProvider>(Clock));
}

/// <summary>The readiness check on checkpoints: an entry left uncovered for twice the interval makes the server unready.</summary>
public sealed class CheckpointAgeTests(HourlyCheckpointServer server) : IClassFixture<HourlyCheckpointServer>
{
    private Task<HealthReport> CheckAsync() =>
        server.Services.GetRequiredService<HealthCheckService>().CheckHealthAsync(check => check.Name == "checkpoint-age");

    [Fact]
    public async Task Ready_EntryWaitingTwiceTheIntervalForACheckpoint_Unready_UntilOneCoversIt()
    {
        await server.Client().GetCriminalHistoryAsync(new GetCriminalHistoryRequest { Context = RecordsServer.Context(), Subject = new SubjectRef { BookingNumber = TestPeople.AlphaBooking } });
        Assert.Equal(HealthStatus.Healthy, (await CheckAsync()).Status);

        // The signer cannot run while the test holds the ledger's write turn: two hours pass without a checkpoint.
        var gate = server.Services.GetRequiredService<LedgerWriteGate>();
        using (await gate.EnterAsync(CancellationToken.None))
        {
            server.Clock.Advance(TimeSpan.FromHours(2) + TimeSpan.FromMinutes(1));
            var report = await CheckAsync();
            Assert.Equal(HealthStatus.Unhealthy, report.Status);
            Assert.Contains("waited", report.Entries["checkpoint-age"].Description);
        }

        var ledger = server.Services.GetRequiredService<GroupCommitLedger>();
        await server.Services.GetRequiredService<LedgerCheckpoints>().SignIfGrownAsync(ledger.Tree);
        Assert.Equal(HealthStatus.Healthy, (await CheckAsync()).Status);
    }
}
