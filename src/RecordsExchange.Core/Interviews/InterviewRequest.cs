using RecordsExchange.Core.Audit;

namespace RecordsExchange.Core.Interviews;

/// <summary>
/// An agency's request to interview one person in custody. The county puts it to the person with the
/// TRUTH Act consent form; only the person's recorded answer decides (Gov. Code 7283.1(a)).
/// </summary>
public sealed class InterviewRequest
{
    public long Id { get; set; }
    public required string ClientId { get; set; }
    public required string AgencyIdentifier { get; set; }

    /// <summary>How the agency is named to the person: its display name and identifier.</summary>
    public required string Agency { get; set; }

    public long PersonId { get; set; }
    public string? BookingNumber { get; set; }

    /// <summary>What the interview is about, in the agency's words, as the consent form gives it.</summary>
    public required string Purpose { get; set; }

    public DateTimeOffset WindowStart { get; set; }
    public DateTimeOffset WindowEnd { get; set; }
    public required string OfficerId { get; set; }
    public required string OfficerName { get; set; }
    public required string LegalBasis { get; set; }
    public string? LegalDocumentNumber { get; set; }
    public required string CaseNumber { get; set; }
    public DateTimeOffset ReceivedAt { get; set; }
    public required string RuleId { get; set; }
    public required string PolicyHash { get; set; }

    public InterviewStatus Status { get; set; } = InterviewStatus.Pending;
    public DateTimeOffset StatusChangedAt { get; set; }

    /// <summary>Who recorded the person's answer (a name or badge), when one was recorded.</summary>
    public string? AnsweredBy { get; set; }
}

/// <summary>Where an interview request stands.</summary>
public enum InterviewStatus
{
    Pending = 1,
    Declined = 2,
    Accepted = 3,
    AcceptedAttorneyRequired = 4,
    NoAnswer = 5,
    Cancelled = 6,
}

/// <summary>The person's answer to the consent form, as jail staff record it.</summary>
public enum InterviewAnswer
{
    Decline = 1,
    Accept = 2,
    AcceptWithAttorney = 3,
}

public static class InterviewStatuses
{
    /// <summary>The status a recorded answer gives: the only way a request becomes accepted.</summary>
    public static InterviewStatus Of(InterviewAnswer answer) => answer switch
    {
        InterviewAnswer.Accept => InterviewStatus.Accepted,
        InterviewAnswer.AcceptWithAttorney => InterviewStatus.AcceptedAttorneyRequired,
        _ => InterviewStatus.Declined,
    };

    /// <summary>The rule id the ledger records for a status (interview.declined …), so outcomes can be counted from the ledger.</summary>
    public static string RuleId(InterviewStatus status) => "interview." + Policy.PolicyNames.Snake(status).Replace('_', '-');

    /// <summary>The status as agencies see it in the API (DECLINED, ACCEPTED_ATTORNEY_REQUIRED …), for messages.</summary>
    public static string Name(InterviewStatus status) => Policy.PolicyNames.Snake(status).ToUpperInvariant();
}

/// <summary>
/// The ledger entry of an interview request's change of status (admin/AnswerInterview,
/// admin/InterviewNoAnswer, admin/InterviewCancelled), with the rule id of the new status, so the
/// outcomes are counted from the ledger alone.
/// </summary>
public static class InterviewEntries
{
    public static AuditEntry Transition(InterviewRequest interview, string action, string actor, string reason, string policyHash)
    {
        var entry = AuditEntry.Administrative(interview.StatusChangedAt, action, actor, reason);
        (entry.SubjectKey, entry.SubjectIdentifier, entry.RuleId, entry.PolicyHash) =
            (interview.PersonId, "interview:" + interview.Id, InterviewStatuses.RuleId(interview.Status), policyHash);
        return entry;
    }
}
