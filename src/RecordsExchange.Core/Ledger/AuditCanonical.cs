using Google.Protobuf;
using Google.Protobuf.WellKnownTypes;
using RecordsExchange.Core.Audit;
using RecordsExchange.Protos.V1;

namespace RecordsExchange.Core.Ledger;

/// <summary>The one mapping between an audit row and its canonical protobuf bytes.</summary>
public static class AuditCanonical
{
    /// <summary>The canonical record of an entry (its sequence number must be assigned).</summary>
    public static AuditRecord ToRecord(AuditEntry entry)
    {
        var record = new AuditRecord
        {
            Sequence = (ulong)entry.Sequence,
            RecordedAt = Timestamp.FromDateTimeOffset(entry.RecordedAt),
            RequestId = entry.RequestId,
            TraceId = entry.TraceId ?? "",
            Method = entry.Method,
            ClientId = entry.ClientId ?? "",
            AgencyIdentifier = entry.AgencyIdentifier ?? "",
            CertificateThumbprint = entry.CertificateThumbprint ?? "",
            OfficerId = entry.OfficerId ?? "",
            OfficerName = entry.OfficerName ?? "",
            PurposeCode = entry.PurposeCode ?? "",
            LegalBasis = entry.LegalBasis ?? "",
            LegalDocumentNumber = entry.LegalDocumentNumber ?? "",
            CaseNumber = entry.CaseNumber ?? "",
            Justification = entry.Justification ?? "",
            SubjectIdentifier = entry.SubjectIdentifier ?? "",
            SubjectKey = entry.SubjectKey ?? 0,
            Decision = entry.Decision.ToString(),
            StatusCode = entry.StatusCode,
            RuleId = entry.RuleId ?? "",
            Reason = entry.Reason ?? "",
            ResponseSha256 = entry.ResponseSha256 ?? "",
            PolicyHash = entry.PolicyHash ?? "",
            Anomaly = entry.Anomaly ?? "",
            RequestType = entry.RequestType ?? "",
            CountyAction = entry.CountyAction ?? "",
            SubjectSex = entry.SubjectSex ?? "",
            SubjectAgeBand = entry.SubjectAgeBand ?? "",
            SubjectRaceEthnicity = entry.SubjectRaceEthnicity ?? "",
            ReleaseKind = entry.ReleaseKind ?? "",
            NoticeKind = entry.NoticeKind ?? "",
            NoticeRecipient = entry.NoticeRecipient ?? "",
            NoticeCreatedAt = entry.NoticeCreatedAt is { } created ? Timestamp.FromDateTimeOffset(created) : null,
            InterviewRequestId = (ulong)(entry.InterviewRequestId ?? 0),
        };
        if (!string.IsNullOrEmpty(entry.Obligations))
        {
            record.Obligations.AddRange(entry.Obligations.Split(' '));
        }
        if (!string.IsNullOrEmpty(entry.DisclosedFields))
        {
            record.DisclosedFields.AddRange(entry.DisclosedFields.Split(','));
        }
        return record;
    }

    /// <summary>
    /// The deterministic serialization: Google.Protobuf writes fields in field-number order and the
    /// record has no maps or unknown fields, so the same record always gives the same bytes.
    /// </summary>
    public static byte[] ToBytes(AuditEntry entry) => ToRecord(entry).ToByteArray();

    /// <summary>Sets the entry's canonical bytes and leaf hash from its current fields.</summary>
    public static void Seal(AuditEntry entry)
    {
        entry.CanonicalBytes = ToBytes(entry);
        entry.LeafHash = MerkleHash.Leaf(entry.CanonicalBytes);
    }
}
