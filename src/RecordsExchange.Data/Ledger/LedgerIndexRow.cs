using RecordsExchange.Core.Audit;

namespace RecordsExchange.Data.Ledger;

/// <summary>
/// One ledger entry as the console filters it: the read model kept beside the ledger by
/// <see cref="LedgerIndexer"/>, off the audited call's path. It holds only what a filter needs and is
/// rebuilt from the ledger at will; the ledger itself stays the record.
/// </summary>
public sealed class LedgerIndexRow
{
    public long Sequence { get; set; }

    /// <summary>Milliseconds since 1970 (UTC): a number, so that SQLite compares time ranges in an index.</summary>
    public long RecordedAtMs { get; set; }

    public string? ClientId { get; set; }
    public string? AgencyIdentifier { get; set; }
    public required string Method { get; set; }
    public AuditDecision Decision { get; set; }
    public string? RuleId { get; set; }
    public long? SubjectKey { get; set; }
    public string? OfficerId { get; set; }
    public string? PolicyHash { get; set; }
    public bool Anomaly { get; set; }
}

/// <summary>The text of a policy file that was in force, by its SHA-256, so the console can show and compare it.</summary>
public sealed class PolicyVersion
{
    public required string Sha256 { get; set; }
    public required string Text { get; set; }
    public DateTimeOffset FirstLoadedAt { get; set; }
}
