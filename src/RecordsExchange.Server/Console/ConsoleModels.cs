using RecordsExchange.Core.Audit;
using RecordsExchange.Core.Detainers;
using RecordsExchange.Core.Ledger;
using RecordsExchange.Core.Policy;
using RecordsExchange.Core.Reports;
using RecordsExchange.Data.Ledger;

namespace RecordsExchange.Server.Console;

/// <summary>What the overview shows: the last days of calls, refusals, anomalies, notices, and the ledger's state.</summary>
public sealed record OverviewModel(
    ConsoleViewer Viewer, long Sequence, DateOnly From, DateOnly To, IReadOnlyList<DailyCalls> Calls, IReadOnlyList<(string Rule, int Calls)> Denials,
    IReadOnlyList<AuditEntry> Anomalies, int NoticesPending, int NoticesOverdue, long LedgerSize, long IndexedThrough, StoredCheckpoint? Checkpoint,
    LedgerConsistency.Result Consistency);

/// <summary>The ledger filters as typed (so the form shows them again) and what they parse to.</summary>
public sealed record LedgerForm(string From, string To, string Agency, string Client, string Method, string Decision, string Rule, string Booking, string Officer)
{
    /// <summary>The filter as a query string, for the next page's link.</summary>
    public string Query(long before) =>
        string.Join('&', new[] { ("from", From), ("to", To), ("agency", Agency), ("client", Client), ("method", Method), ("decision", Decision), ("rule", Rule), ("booking", Booking), ("officer", Officer) }
            .Where(p => p.Item2.Length > 0).Select(p => $"{p.Item1}={Uri.EscapeDataString(p.Item2)}").Append($"before={before}"));

    public string Describe() =>
        string.Join(", ", new[] { ("from", From), ("to", To), ("agency", Agency), ("client", Client), ("method", Method), ("decision", Decision), ("rule", Rule), ("booking", Booking), ("officer", Officer) }
            .Where(p => p.Item2.Length > 0).Select(p => $"{p.Item1}={p.Item2}"));
}

public sealed record LedgerPageModel(
    ConsoleViewer Viewer, long Sequence, LedgerForm Form, IReadOnlyList<(string Field, string Problem)> Problems, IReadOnlyList<AuditEntry> Entries, long? Next,
    long IndexedThrough, long LedgerSize);

/// <summary>One entry, every field of its canonical record, and whether its inclusion in the signed ledger was verified here.</summary>
public sealed record EntryModel(ConsoleViewer Viewer, long Sequence, long EntrySequence, IReadOnlyList<(string Field, string Value)> Fields, InclusionCheck Proof);

public sealed record InclusionCheck(bool Verified, string Message, StoredCheckpoint? Checkpoint, IReadOnlyList<string> Path);

public sealed record PoliciesModel(
    ConsoleViewer Viewer, long Sequence, IReadOnlyList<PolicyUse> Uses, IReadOnlySet<string> Archived, PolicyVersion? Shown,
    (string From, string To, IReadOnlyList<DiffLine> Lines)? Diff, string? Problem);

public sealed record DetainersModel(
    ConsoleViewer Viewer, long Sequence, IReadOnlyList<(Detainer Detainer, bool InCustody)> Detainers, IReadOnlyList<(OutboxKind Kind, string State, int Count)> Notifications);

public sealed record NoticesModel(
    ConsoleViewer Viewer, long Sequence, DateTimeOffset Now, IReadOnlyList<(SubjectNotice Notice, string PersonNumber, string Language)> Notices, string? Message, bool Failed);

public sealed record SubjectModel(ConsoleViewer Viewer, long Sequence, string Booking, string Language, IReadOnlyList<string> Languages, SubjectReport? Report, ReportTexts? Texts, string? Problem);
