using System.Collections.Concurrent;
using System.Diagnostics;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using RecordsExchange.Protos.V1;

namespace RecordsExchange.Server.Tests;

/// <summary>
/// A call's spans, as an OpenTelemetry tracer would record them (here an ActivityListener, what the
/// OTLP exporter's tracer provider also is): each pipeline step, all in the trace the audit entry names.
/// </summary>
public sealed class TracingTests(RecordsServer server) : IClassFixture<RecordsServer>
{
    [Fact]
    public async Task AuditedCall_SpansForEachStep_InTheTraceItsLedgerEntryRecords()
    {
        var spans = new ConcurrentBag<Activity>();
        using var listener = new ActivityListener
        {
            // ASP.NET Core's own source makes the request's activity, as the OTLP setup's instrumentation does.
            ShouldListenTo = source => source.Name is "RecordsExchange" or "Microsoft.AspNetCore",
            Sample = (ref ActivityCreationOptions<ActivityContext> _) => ActivitySamplingResult.AllDataAndRecorded,
            ActivityStopped = spans.Add,
        };
        ActivitySource.AddActivityListener(listener);

        var response = await server.Client().GetCriminalHistoryAsync(new GetCriminalHistoryRequest
        {
            Context = RecordsServer.Context(),
            Subject = new SubjectRef { BookingNumber = TestPeople.AlphaBooking },
        });

        await using var db = await server.Services.GetRequiredService<IDbContextFactory<Data.RecordsDbContext>>().CreateDbContextAsync();
        var entry = await db.AuditEntries.SingleAsync(e => e.Sequence == (long)response.DecisionId);
        Assert.False(string.IsNullOrEmpty(entry.TraceId));
        var ledgerWait = Assert.Single(spans, s => s.OperationName == "recordsexchange.ledger.wait" && Equals(s.GetTagItem("recordsexchange.decision_id"), (long)response.DecisionId));
        Assert.Equal(entry.TraceId, ledgerWait.TraceId.ToString());
        var inTrace = spans.Where(s => s.TraceId == ledgerWait.TraceId).Select(s => s.OperationName).ToHashSet();
        Assert.Superset(new HashSet<string> { "recordsexchange.admit", "recordsexchange.identify", "recordsexchange.token", "recordsexchange.handle", "recordsexchange.read", "recordsexchange.policy", "recordsexchange.ledger.wait" }, inTrace);
        Assert.Equal(entry.RuleId, spans.Single(s => s.TraceId == ledgerWait.TraceId && s.OperationName == "recordsexchange.policy").GetTagItem("recordsexchange.rule"));
    }
}
