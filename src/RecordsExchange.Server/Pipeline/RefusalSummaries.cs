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
/// second, which slows a flood down. The summary names the people the refused calls named (the first
/// twenty, then how many more), so who was asked about is never lost. The token endpoint's refusals
/// are summarized the same way, under a key of their own.
/// </summary>
public sealed class RefusalSummaries(IAuditLedger ledger, IOptions<LimitsOptions> options, TimeProvider time, ILogger<RefusalSummaries> logger)
{
    public const string RuleId = "limits.refusal-summary";

    private static readonly TimeSpan s_window = TimeSpan.FromSeconds(1);

    // Windows of certificates not seen for a while are dropped once there are this many.
    private const int PruneAbove = 10_000;

    // Subjects a summary names one by one; past this it counts them.
    private const int NamedSubjects = 20;

    private readonly ConcurrentDictionary<string, Window> _windows = new(StringComparer.Ordinal);

    /// <summary>Refusals of <paramref name="key"/> waiting for their summary entry now.</summary>
    public int Waiting(string key)
    {
        if (!_windows.TryGetValue(key, out var window))
        {
            return 0;
        }
        lock (window)
        {
            return window.Pending?.Count ?? 0;
        }
    }

    /// <summary>Whether a refusal of this kind is summarized when it comes too fast; decisions about a person never are.</summary>
    public static bool Applies(AuditDecision decision) => decision is AuditDecision.Unauthenticated or AuditDecision.Invalid;

    /// <summary>
    /// Null when the refusal is to be appended on its own; otherwise the sequence number of the
    /// summary entry it was folded into, once that entry is durable. <paramref name="key"/> is what is
    /// limited: a certificate's thumbprint (with a prefix for the token endpoint).
    /// </summary>
    public Task<long>? TryJoinSummary(string key, AuditEntry refusal)
    {
        if (_windows.Count > PruneAbove)
        {
            Prune();
        }
        var now = time.GetUtcNow();
        var window = _windows.GetOrAdd(key, _ => new Window());
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
                window.Pending.Timer = time.CreateTimer(_ => _ = FlushAsync(window), null, due > TimeSpan.Zero ? due : TimeSpan.Zero, Timeout.InfiniteTimeSpan);
            }
            window.Pending.Add(refusal, now);
            return window.Pending.Completion.Task;
        }
    }

    private async Task FlushAsync(Window window)
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
        var thumbprint = first.CertificateThumbprint ?? "(none)";
        var subjects = summary.Subjects.Count == 0 ? ""
            : $" Subjects named: {string.Join(", ", summary.Subjects)}{(summary.MoreSubjects > 0 ? $" and {summary.MoreSubjects} more" : "")}.";
        var entry = new AuditEntry
        {
            RecordedAt = time.GetUtcNow(), RequestId = first.RequestId, TraceId = first.TraceId, Method = first.Method,
            ClientId = first.ClientId, AgencyIdentifier = first.AgencyIdentifier, CertificateThumbprint = first.CertificateThumbprint, PolicyHash = first.PolicyHash,
            Decision = summary.Last.Decision, StatusCode = summary.Last.StatusCode, RuleId = RuleId,
            Reason = Clip(string.Create(CultureInfo.InvariantCulture,
                $"{summary.Count} further refusals of certificate {thumbprint} between {summary.FirstAt:O} and {summary.LastAt:O}, over the {options.Value.RefusalsPerSecondPerCertificate} a second recorded one by one, are recorded together here.{subjects} The last: {summary.Last.Reason}")),
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

    // The reason column holds 1,000 characters.
    private static string Clip(string reason) => reason.Length <= 1000 ? reason : reason[..997] + "...";

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
        public SortedSet<string> Subjects { get; } = new(StringComparer.Ordinal);
        public int MoreSubjects { get; private set; }
        public ITimer? Timer { get; set; }
        public TaskCompletionSource<long> Completion { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public void Add(AuditEntry refusal, DateTimeOffset at)
        {
            (Last, LastAt, Count) = (refusal, at, Count + 1);
            if (refusal.SubjectIdentifier is { } subject && !Subjects.Contains(subject))
            {
                if (Subjects.Count < NamedSubjects)
                {
                    Subjects.Add(subject);
                }
                else
                {
                    MoreSubjects++;
                }
            }
        }
    }
}
