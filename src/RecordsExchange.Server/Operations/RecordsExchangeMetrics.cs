using System.Collections.Concurrent;
using System.Diagnostics.Metrics;
using Microsoft.EntityFrameworkCore;
using RecordsExchange.Core.Audit;
using RecordsExchange.Core.Detainers;
using RecordsExchange.Data;
using RecordsExchange.Data.Ledger;

namespace RecordsExchange.Server.Operations;

/// <summary>
/// The server's meters, exported on the management listener's /metrics and over OTLP. The counts are
/// taken from the ledger's own committed batches, so a metric can never count a call the ledger does
/// not hold; nothing personal is in any of them (methods, decisions, rule ids only).
/// </summary>
/// <remarks>
/// One meter per process, as OpenTelemetry listens to meters by name: a server in production is one per
/// process; tests that host several in one process see their counts summed, and each live server's gauges.
/// </remarks>
public sealed class RecordsExchangeMetrics : IDisposable
{
    public const string MeterName = "RecordsExchange";

    private static readonly Meter s_meter = new(MeterName);
    private static readonly ConcurrentDictionary<RecordsExchangeMetrics, byte> s_live = new();
    private static readonly Counter<long> s_calls = s_meter.CreateCounter<long>("recordsexchange.calls", "{call}", "Agency calls as the ledger recorded them, by method and decision.");
    private static readonly Counter<long> s_policyDecisions = s_meter.CreateCounter<long>("recordsexchange.policy.decisions", "{decision}", "Policy decisions, by the rule that decided.");
    private static readonly Counter<long> s_tokensIssued = s_meter.CreateCounter<long>("recordsexchange.tokens.issued", "{token}", "Access tokens issued.");
    private static readonly Counter<long> s_tokensRefused = s_meter.CreateCounter<long>("recordsexchange.tokens.refused", "{refusal}", "Token requests refused.");
    private static readonly Counter<long> s_commitFailures = s_meter.CreateCounter<long>("recordsexchange.ledger.commit.failures", "{batch}", "Ledger batches that could not be committed (their calls were refused).");
    private static readonly Histogram<int> s_batchSize = s_meter.CreateHistogram<int>("recordsexchange.ledger.batch.size", "{entry}", "Entries per committed ledger batch.");
    private static readonly Histogram<double> s_commitSeconds = s_meter.CreateHistogram<double>("recordsexchange.ledger.commit.duration", "s", "Time of one ledger batch's transaction, durable commit included.");

    static RecordsExchangeMetrics()
    {
        s_meter.CreateObservableGauge("recordsexchange.ledger.queue.depth", () => Each<int>(m => m._ledger.QueueDepth), "{entry}", "Entries waiting for the ledger writer.");
        s_meter.CreateObservableGauge("recordsexchange.ledger.size", () => Each<long>(m => m._ledger.Tree.Size), "{entry}", "Entries in the ledger.");
        s_meter.CreateObservableGauge("recordsexchange.ledger.checkpoint.age", () => Each(m => m.CheckpointAgeSeconds()), "s", "Age of the latest signed checkpoint.");
        s_meter.CreateObservableGauge("recordsexchange.notifications.backlog", () => Each(m => m.NotificationBacklog()), "{notification}", "Release notifications queued for agencies and not yet acknowledged.");
    }

    private readonly GroupCommitLedger _ledger;
    private readonly LedgerCheckpoints _checkpoints;
    private readonly IDbContextFactory<RecordsDbContext> _contexts;
    private readonly TimeProvider _time;

    public RecordsExchangeMetrics(GroupCommitLedger ledger, LedgerCheckpoints checkpoints, IDbContextFactory<RecordsDbContext> contexts, TimeProvider time)
    {
        (_ledger, _checkpoints, _contexts, _time) = (ledger, checkpoints, contexts, time);
        ledger.BatchWritten += Record;
        s_live.TryAdd(this, 0);
    }

    public void Dispose()
    {
        _ledger.BatchWritten -= Record;
        s_live.TryRemove(this, out _);
    }

    // A gauge reading that fails (the database not there yet) is left out rather than failing the scrape.
    private static IEnumerable<Measurement<T>> Each<T>(Func<RecordsExchangeMetrics, T?> read) where T : struct
    {
        foreach (var metrics in s_live.Keys)
        {
            T? value;
            try
            {
                value = read(metrics);
            }
            catch (Exception ex) when (ex is InvalidOperationException or Microsoft.Data.Sqlite.SqliteException or ObjectDisposedException)
            {
                value = null;
            }
            if (value is { } measured)
            {
                yield return new Measurement<T>(measured);
            }
        }
    }

    private double? CheckpointAgeSeconds() => _checkpoints.Latest is { } latest ? (_time.GetUtcNow() - latest.SignedAt).TotalSeconds : null;

    // Read when scraped: a count over an index, not kept in memory where it could drift from the table.
    private long? NotificationBacklog()
    {
        using var db = _contexts.CreateDbContext();
        return db.OutboxNotifications.LongCount(n => n.State == NotificationState.Queued);
    }

    private void Record(IReadOnlyList<AuditEntry> entries, TimeSpan elapsed, Exception? error)
    {
        if (error is not null)
        {
            s_commitFailures.Add(1);
            return;
        }
        s_batchSize.Record(entries.Count);
        s_commitSeconds.Record(elapsed.TotalSeconds);
        foreach (var entry in entries)
        {
            if (entry.Method == Identity.TokenEndpoint.AuditMethod)
            {
                (entry.Decision == AuditDecision.Deny ? s_tokensRefused : s_tokensIssued).Add(1);
            }
            else if (entry.Method.StartsWith('/'))
            {
                s_calls.Add(1, new("method", entry.Method), new("decision", entry.Decision.ToString()));
                if (entry.RuleId is { } rule && entry.Decision is AuditDecision.Permit or AuditDecision.Deny)
                {
                    s_policyDecisions.Add(1, new KeyValuePair<string, object?>("rule", rule));
                }
            }
        }
    }
}
