namespace RecordsExchange.Core.Audit;

/// <summary>One audited event: an agency call (whatever its outcome) or an administrative action.</summary>
public sealed class AuditEntry
{
    /// <summary>Position in the ledger, assigned by the ledger when the entry is appended; gapless from 1.</summary>
    public long Sequence { get; set; }
    public DateTimeOffset RecordedAt { get; set; }
    public required string RequestId { get; set; }
    public string? TraceId { get; set; }

    /// <summary>The gRPC method, or "admin/…" for an administrative action.</summary>
    public required string Method { get; set; }

    public string? ClientId { get; set; }
    public string? AgencyIdentifier { get; set; }
    public string? CertificateThumbprint { get; set; }
    public string? OfficerId { get; set; }
    public string? OfficerName { get; set; }
    public string? PurposeCode { get; set; }
    public string? LegalBasis { get; set; }
    public string? LegalDocumentNumber { get; set; }
    public string? CaseNumber { get; set; }
    public string? Justification { get; set; }

    /// <summary>The identifier the caller named, as "kind:value"; kept even when no person matched.</summary>
    public string? SubjectIdentifier { get; set; }

    /// <summary>The internal key of the person the call was about, once resolved.</summary>
    public long? SubjectKey { get; set; }

    public AuditDecision Decision { get; set; }

    /// <summary>The gRPC status code name the caller received, for example "OK" or "PermissionDenied".</summary>
    public required string StatusCode { get; set; }

    public string? RuleId { get; set; }
    public string? Reason { get; set; }

    /// <summary>Comma-separated names of the record fields that left the server.</summary>
    public string? DisclosedFields { get; set; }

    /// <summary>Lower-case hex SHA-256 of the serialized response, so a disclosed answer can later be matched.</summary>
    public string? ResponseSha256 { get; set; }

    /// <summary>SHA-256 of the policy in force when the call was decided.</summary>
    public string? PolicyHash { get; set; }

    /// <summary>Why the call is unusual (for example an exceeded quota); null for an ordinary call.</summary>
    public string? Anomaly { get; set; }

    /// <summary>Space-separated ids of the obligations the decision placed on the county.</summary>
    public string? Obligations { get; set; }

    // What the transparency report counts by, so every figure is computable from entries alone (see ledger.proto).

    /// <summary>FileDetainer: notify, hold or transfer.</summary>
    public string? RequestType { get; set; }

    /// <summary>What the county answered it will do (will_notify … will_not_ask).</summary>
    public string? CountyAction { get; set; }

    public string? SubjectSex { get; set; }
    public string? SubjectAgeBand { get; set; }
    public string? SubjectRaceEthnicity { get; set; }

    /// <summary>RecordRelease: released, transferred or transferred_to_immigration.</summary>
    public string? ReleaseKind { get; set; }

    /// <summary>Notice entries: detainer_copy, release_date_shared or interview_consent.</summary>
    public string? NoticeKind { get; set; }

    /// <summary>Notice entries: person or designee.</summary>
    public string? NoticeRecipient { get; set; }

    /// <summary>admin/ServeNotice: when the notice served was created.</summary>
    public DateTimeOffset? NoticeCreatedAt { get; set; }

    /// <summary>RequestInterview: the interview request recorded, when the county will put it to the person.</summary>
    public long? InterviewRequestId { get; set; }

    /// <summary>Records the subject's demographic bands as they are at the time of the entry.</summary>
    public void Describe(SubjectBands bands) => (SubjectSex, SubjectAgeBand, SubjectRaceEthnicity) = (bands.Sex, bands.AgeBand, bands.RaceEthnicity);

    /// <summary>The deterministic protobuf serialization of this entry (an AuditRecord), set when it is appended.</summary>
    public byte[] CanonicalBytes { get; set; } = [];

    /// <summary>SHA-256(0x00 ‖ CanonicalBytes): this entry's Merkle leaf.</summary>
    public byte[] LeafHash { get; set; } = [];

    /// <summary>An entry for an administrative action; <paramref name="actor"/> names who did it.</summary>
    public static AuditEntry Administrative(DateTimeOffset at, string action, string actor, string reason) => new()
    {
        RecordedAt = at,
        RequestId = Guid.NewGuid().ToString("N"),
        Method = "admin/" + action,
        ClientId = actor,
        Decision = AuditDecision.Administrative,
        StatusCode = "OK",
        Reason = reason,
    };
}

/// <summary>What became of an audited event.</summary>
public enum AuditDecision
{
    /// <summary>The request was answered.</summary>
    Permit = 1,

    /// <summary>Policy refused the request.</summary>
    Deny = 2,

    /// <summary>The request was malformed and nothing was looked up.</summary>
    Invalid = 3,

    /// <summary>No person matched, or the identifier matched more than one.</summary>
    NotFound = 4,

    /// <summary>The caller's certificate is not registered to an active agency client.</summary>
    Unauthenticated = 5,

    /// <summary>The server failed; nothing was disclosed.</summary>
    Error = 6,

    /// <summary>An administrative action by county IT.</summary>
    Administrative = 7,
}
