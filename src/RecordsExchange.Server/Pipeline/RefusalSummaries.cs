using System.Collections.Concurrent;
using System.Globalization;
using Microsoft.Extensions.Options;
using RecordsExchange.Core.Audit;

namespace RecordsExchange.Server.Pipeline;

/// <summary>
/// Bounds how fast one certificate can grow the ledger with refusals. A certificate that chains to
/// the county CA but belongs to no client (or a client sending malformed calls) could otherwise add an
/// entry per call without limit. The first refusals of a certificate in each second are appended one by
/// one; the rest of that second join one summary entry (how many, from when to when, the last reason),
/// appended when the second ends. Those callers are answered only once the summary is durable and get
/// its sequence number as their decision id, so no refusal leaves unrecorded; they also wait up to a
/// second, which slows a flood down.
/// </summary>
public sealed class RefusalSummaries(IAuditLedger ledger, IOptions<LimitsOptions> options, TimeProvider time, ILogger<RefusalSummaries> logger)
{
    public const string RuleId = "limits.refusal-summary";

    private static readonly TimeSpan s_window = TimeSpan.FromSeconds(1);

    // Windows of certificates not seen for a while are dropped once there are this many.
    private const int PruneAbove = 10_000;

    private readonly ConcurrentDictionary<string, Window> _windows = new(StringComparer.Ordinal);

    /// <summary>Whether a refusal of this kind is summarized when it comes too fast; decisions about a person never are.</summary>
    public static bool Applies(AuditDecision decision) => decision is AuditDecision.Unauthenticated or AuditDecision.Invalid;

    /// <summary>
    /// Null when the refusal is to be appended on its own; otherwise the sequence number of the
    /// summary entry it was folded into, once that entry is durable.
    /// </summary>
    public Task<long>? TryJoinSummary(string certificateThumbprint, AuditEntry refusal)
    {
        if (_windows.Count > PruneAbove)
        {
            Prune();
        }
        var now = time.GetUtcNow();
        var window = _windows.GetOrAdd(certificateThumbprint, _ => new Window());
        lock (window)
        {
            if (now - window.Start >= s_window)
            {
                (window.Start, window.Individual) = (now, 0);
            }
            window.LastSeen = now;
            if (window.Individual < options.Value.RefusalsPerSecondPerCertificate)
            {
                window.Individual++;
                return null;
            }
            if (window.Pending is null)
            {
                window.Pending = new Summary(refusal, now);
                var due = window.Start + s_window - now;
                window.Pending.Timer = time.CreateTimer(_ => _ = FlushAsync(certificateThumbprint, window), null, due > TimeSpan.Zero ? due : TimeSpan.Zero, Timeout.InfiniteTimeSpan);
            }
            window.Pending.Add(refusal, now);
            return window.Pending.Completion.Task;
        }
    }

    private async Task FlushAsync(string thumbprint, Window window)
    {
        Summary summary;
        lock (window)
        {
            if (window.Pending is null)
            {
                return;
            }
            (summary, window.Pending) = (window.Pending, null);
        }
        summary.Timer?.Dispose();
        var first = summary.First;
        var entry = new AuditEntry
        {
            RecordedAt = time.GetUtcNow(), RequestId = first.RequestId, TraceId = first.TraceId, Method = first.Method,
            ClientId = first.ClientId, AgencyIdentifier = first.AgencyIdentifier, CertificateThumbprint = thumbprint, PolicyHash = first.PolicyHash,
            Decision = summary.Last.Decision, StatusCode = summary.Last.StatusCode, RuleId = RuleId,
            Reason = string.Create(CultureInfo.InvariantCulture,
                $"{summary.Count} further refusals of certificate {thumbprint} between {summary.FirstAt:O} and {summary.LastAt:O}, over the {options.Value.RefusalsPerSecondPerCertificate} a second recorded one by one, are recorded together here. The last: {summary.Last.Reason}"),
            Anomaly = $"{RuleId}: {summary.Count} refusals in one second from one certificate.",
        };
        try
        {
            summary.Completion.TrySetResult(await ledger.AppendAsync(entry));
        }
        catch (Exception ex)
        {
            logger.LogError(ex, "Could not record a summary of {Count} refusals of certificate {Thumbprint}", summary.Count, thumbprint);
            summary.Completion.TrySetException(ex);
        }
    }

    private void Prune()
    {
        var stale = time.GetUtcNow() - TimeSpan.FromMinutes(1);
        foreach (var (thumbprint, window) in _windows)
        {
            if (window.LastSeen < stale && window.Pending is null)
            {
                _windows.TryRemove(thumbprint, out _);
            }
        }
    }

    private sealed class Window
    {
        public DateTimeOffset Start { get; set; } = DateTimeOffset.MinValue;
        public DateTimeOffset LastSeen { get; set; }
        public int Individual { get; set; }
        public Summary? Pending { get; set; }
    }

    private sealed class Summary(AuditEntry first, DateTimeOffset at)
    {
        public AuditEntry First { get; } = first;
        public AuditEntry Last { get; private set; } = first;
        public DateTimeOffset FirstAt { get; } = at;
        public DateTimeOffset LastAt { get; private set; } = at;
        public int Count { get; private set; }
        public ITimer? Timer { get; set; }
        public TaskCompletionSource<long> Completion { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public void Add(AuditEntry refusal, DateTimeOffset at) => (Last, LastAt, Count) = (refusal, at, Count + 1);
    }
}
