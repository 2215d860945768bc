using RecordsExchange.Protos.V1;

namespace RecordsExchange.Core.Reports;

/// <summary>
/// One pass over the ledger up to a checkpoint, counted by UTC day, from which a report for any period
/// of whole days is built without reading the ledger again (the public pages offer a year, its
/// quarters and its months, all from one pass).
/// </summary>
public sealed class LedgerTally
{
    private readonly Dictionary<(DateOnly Day, RequestAtom Atom), long> _requests = [];
    private readonly Dictionary<(DateOnly Day, string Policy), PolicyCount> _policies = [];
    private readonly Dictionary<DateOnly, (long First, long Last, long Count)> _days = [];
    private readonly HashSet<string> _notificationsDelivered = [];

    // Interview requests put to a person, by id, and where each stands (the latest of its status entries).
    private readonly Dictionary<long, (DateOnly Day, RequestAtom Atom, AccessEvent Person)> _interviews = [];
    private readonly Dictionary<long, string> _interviewStatus = [];

    public ReportAnchor Anchor { get; }

    /// <summary>The first UTC day with an entry, or null for an empty ledger.</summary>
    public DateOnly? FirstDay => _days.Count == 0 ? null : _days.Keys.Min();

    /// <summary>Entries read.</summary>
    public long EntriesRead { get; private set; }

    // A person's first access on each day, not every access: the reports ask who was reached first in a
    // period of whole days, so this is exact, and it keeps a refresh's memory to people × days rather
    // than growing with every call in the ledger.
    private readonly Dictionary<(long Subject, DateOnly Day), AccessEvent> _firstAccess = [];
    internal List<(DateOnly Day, string Kind, double Hours)> Served { get; } = [];

    public LedgerTally(ReportAnchor anchor) => Anchor = anchor;

    /// <summary>
    /// Counts the next entry's canonical bytes (entries come in sequence order); returns false, counting
    /// nothing, once past the anchor's tree size.
    /// </summary>
    public bool Add(byte[] canonicalBytes)
    {
        var record = AuditRecord.Parser.ParseFrom(canonicalBytes);
        if ((long)record.Sequence > Anchor.TreeSize)
        {
            return false;
        }
        Add(record);
        return true;
    }

    private void Add(AuditRecord record)
    {
        EntriesRead++;
        var at = record.RecordedAt.ToDateTimeOffset();
        var day = DateOnly.FromDateTime(at.UtcDateTime);
        var sequence = (long)record.Sequence;
        _days[day] = _days.TryGetValue(day, out var seen) ? (Math.Min(seen.First, sequence), Math.Max(seen.Last, sequence), seen.Count + 1) : (sequence, sequence, 1);
        if (record.PolicyHash.Length > 0)
        {
            var key = (day, record.PolicyHash);
            _policies[key] = _policies.TryGetValue(key, out var policy)
                ? policy with { Entries = policy.Entries + 1, FirstSequence = Math.Min(policy.FirstSequence, sequence), LastSequence = Math.Max(policy.LastSequence, sequence) }
                : new PolicyCount(record.PolicyHash, 1, sequence, sequence);
        }
        if (record.Method is "admin/AnswerInterview" or "admin/InterviewNoAnswer" or "admin/InterviewCancelled"
            && record.SubjectIdentifier.StartsWith("interview:", StringComparison.Ordinal)
            && long.TryParse(record.SubjectIdentifier.AsSpan("interview:".Length), out var changed) && record.RuleId.StartsWith("interview.", StringComparison.Ordinal))
        {
            _interviewStatus[changed] = record.RuleId["interview.".Length..].Replace('-', '_');
        }
        if (LedgerCounting.Classify(record) is not { } atom)
        {
            return;
        }
        if (atom.Interview is not null && record.InterviewRequestId > 0)
        {
            _interviews[(long)record.InterviewRequestId] = (day, atom, new AccessEvent(record.SubjectKey, at, "interview",
                LedgerCounting.Band(record.SubjectSex), LedgerCounting.Band(record.SubjectAgeBand), LedgerCounting.Band(record.SubjectRaceEthnicity)));
            return;
        }
        // A notification is redelivered until acknowledged (a reconnect, a second stream): ICE access once.
        if (atom.Access == "notification" && !_notificationsDelivered.Add(record.SubjectIdentifier))
        {
            return;
        }
        var counted = (day, atom);
        _requests[counted] = _requests.GetValueOrDefault(counted) + 1;
        if (atom.Access is { } means && record.SubjectKey != 0)
        {
            ref var first = ref System.Runtime.InteropServices.CollectionsMarshal.GetValueRefOrAddDefault(_firstAccess, (record.SubjectKey, day), out var earlier);
            if (!earlier || at < first.At)
            {
                first = new AccessEvent(record.SubjectKey, at, means, LedgerCounting.Band(record.SubjectSex),
                    LedgerCounting.Band(record.SubjectAgeBand), LedgerCounting.Band(record.SubjectRaceEthnicity));
            }
        }
        if (record.Method == "admin/ServeNotice" && record.NoticeCreatedAt is { } created)
        {
            Served.Add((day, record.NoticeKind, Math.Max(0, (at - created.ToDateTimeOffset()).TotalHours)));
        }
    }

    /// <summary>The requests of the period by atom; an ICE access atom also by month (the access table's rows).</summary>
    internal Dictionary<RequestAtom, long> Requests(ReportPeriod period)
    {
        var counts = new Dictionary<RequestAtom, long>();
        void Count(DateOnly day, RequestAtom atom, long count)
        {
            if (day >= period.From && day < period.To)
            {
                var key = atom.Access is null ? atom : atom with { Month = ReportPeriod.MonthOf(day) };
                counts[key] = counts.GetValueOrDefault(key) + count;
            }
        }
        foreach (var ((day, atom), count) in _requests)
        {
            Count(day, atom, count);
        }
        foreach (var (id, (day, atom, _)) in _interviews)
        {
            Count(day, Outcome(id, atom), 1);
        }
        return counts;
    }

    /// <summary>
    /// Every ICE access to a person: those counted entry by entry, and each interview request the person
    /// accepted (as of the anchor), in the month of the request.
    /// </summary>
    internal IEnumerable<AccessEvent> AccessEvents() =>
        _firstAccess.Values.Concat(_interviews.Where(i => Outcome(i.Key, i.Value.Atom).Access is not null).Select(i => i.Value.Person));

    // An interview request where its status entries have left it; accepted, it is ICE access by interview.
    private RequestAtom Outcome(long id, RequestAtom atom)
    {
        var status = _interviewStatus.GetValueOrDefault(id, "pending");
        return atom with { Interview = status, Access = status is "accepted" or "accepted_attorney_required" ? "interview" : null };
    }

    internal IReadOnlyList<PolicyCount> Policies(ReportPeriod period) =>
        _policies.Where(p => p.Key.Day >= period.From && p.Key.Day < period.To)
            .GroupBy(p => p.Key.Policy, p => p.Value)
            .Select(g => new PolicyCount(g.Key, g.Sum(c => c.Entries), g.Min(c => c.FirstSequence), g.Max(c => c.LastSequence)))
            .OrderBy(p => p.FirstSequence)
            .ToList();

    /// <summary>The first and last sequence numbers of the period's entries and how many there are (0, 0, 0 when none).</summary>
    internal (long First, long Last, long Count) Span(ReportPeriod period)
    {
        var days = _days.Where(d => d.Key >= period.From && d.Key < period.To).Select(d => d.Value).ToList();
        return days.Count == 0 ? (0, 0, 0) : (days.Min(d => d.First), days.Max(d => d.Last), days.Sum(d => d.Count));
    }
}

/// <summary>A policy in force during the period: its hash and the entries decided or recorded under it.</summary>
public sealed record PolicyCount(string Sha256, long Entries, long FirstSequence, long LastSequence);

/// <summary>The signed checkpoint a report rests on: it counts entries 1 to <see cref="TreeSize"/>; the root hash is base64, as in the note.</summary>
public sealed record ReportAnchor(string Origin, long TreeSize, string RootHash, string Checkpoint)
{
    public static ReportAnchor Of(Ledger.StoredCheckpoint checkpoint) =>
        new(checkpoint.Note.Split('\n')[0], checkpoint.TreeSize, Convert.ToBase64String(checkpoint.RootHash), checkpoint.Note);
}
