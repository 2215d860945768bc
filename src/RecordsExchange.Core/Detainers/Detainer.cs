using RecordsExchange.Core.Policy;

namespace RecordsExchange.Core.Detainers;

/// <summary>An immigration detainer an agency filed about one person, with what the county decided to do.</summary>
public sealed class Detainer
{
    public long Id { get; set; }
    public required string ClientId { get; set; }
    public required string AgencyIdentifier { get; set; }
    public long PersonId { get; set; }

    /// <summary>The booking the person was held on when the detainer arrived, if any.</summary>
    public string? BookingNumber { get; set; }

    public DetainerRequestType RequestType { get; set; }
    public required string IssuingOffice { get; set; }
    public required string EventNumber { get; set; }
    public required string FileNumber { get; set; }
    public required string ProbableCauseBasis { get; set; }
    public required string WarrantType { get; set; }

    /// <summary>The accompanying legal process and its number, as the request context gave them.</summary>
    public required string LegalBasis { get; set; }
    public required string LegalDocumentNumber { get; set; }
    public required string PurposeCode { get; set; }

    /// <summary>The outstanding federal felony arrest warrant the request says the person is the subject of (Gov. Code 7282.5(a)(5)), if it says so.</summary>
    public string? FederalFelonyWarrantNumber { get; set; }

    public DateTimeOffset ReceivedAt { get; set; }

    /// <summary>True when the policy permitted the request at filing: release notifications may follow.</summary>
    public bool Honored { get; set; }

    public required string RuleId { get; set; }
    public required string Reason { get; set; }
    public required string PolicyHash { get; set; }

    /// <summary>
    /// What the policy decides a release notification on this detainer from, today: the agency, purpose
    /// and legal basis the detainer came with, the warrant it stated, and the person's record.
    /// </summary>
    public PolicyInput ReleaseNotificationInput(Records.Person person, DateOnly today) =>
        new(PolicyMethod.ReleaseNotification, ClientId, PurposeCode, Enum.Parse<Protos.V1.LegalBasis>(LegalBasis), person.Charges, today,
            Registrant: person.SexArsonRegistrant, FederalFelonyWarrant: FederalFelonyWarrantNumber);

    /// <summary>What the county answers it will do: a permitted transfer request is a transfer, any other permitted request a notification.</summary>
    public static DetainerAction CountyActionOf(DetainerRequestType type, bool permitted) =>
        !permitted ? DetainerAction.WillNotComply : type == DetainerRequestType.Transfer ? DetainerAction.WillTransfer : DetainerAction.WillNotify;
}

/// <summary>What the county answers it will do with a detainer.</summary>
public enum DetainerAction
{
    WillNotComply = 1,
    WillNotify = 2,
    WillTransfer = 3,
}

/// <summary>What a notice tells the person.</summary>
public enum NoticeKind
{
    /// <summary>A copy of a detainer and whether the county will comply (Gov. Code 7283.1(a)).</summary>
    DetainerCopy = 1,

    /// <summary>The person's release date was shared with an agency (Gov. Code 7283.1(b)); also for their attorney or designee.</summary>
    ReleaseDateShared = 2,

    /// <summary>The consent form given before any interview by immigration authorities (Gov. Code 7283.1(a)).</summary>
    InterviewConsent = 3,
}

/// <summary>Whom a notice is for: the person, or their attorney or designee.</summary>
public enum NoticeRecipient
{
    Person = 1,
    Designee = 2,
}

/// <summary>A notice jail staff must serve on a person in custody; pending until served.</summary>
public sealed class SubjectNotice
{
    public long Id { get; set; }
    public long PersonId { get; set; }
    public NoticeKind Kind { get; set; }
    public NoticeRecipient Recipient { get; set; } = NoticeRecipient.Person;

    /// <summary>For a designee's notice: the designee's name and how to reach them when it was made (non-public).</summary>
    public string? RecipientName { get; set; }
    public string? RecipientContact { get; set; }

    public long? DetainerId { get; set; }
    public long? NotificationId { get; set; }
    public long? InterviewRequestId { get; set; }
    public string? BookingNumber { get; set; }
    public DateTimeOffset CreatedAt { get; set; }

    /// <summary>The agency that asked (its display name and identifier).</summary>
    public required string Agency { get; set; }

    public DetainerRequestType? RequestType { get; set; }
    public bool WillComply { get; set; }

    /// <summary>The policy's reason for the county's decision, in plain words.</summary>
    public required string Reason { get; set; }

    /// <summary>For a detainer copy: the outstanding federal felony arrest warrant the request says the person is the subject of; the notice shows it in the person's language.</summary>
    public string? FederalFelonyWarrantNumber { get; set; }

    public DateOnly? ReleaseDate { get; set; }
    public DateTimeOffset? ServedAt { get; set; }
    public string? ServedBy { get; set; }
}

/// <summary>Where a queued release notification stands.</summary>
public enum NotificationState
{
    Queued = 1,
    Acknowledged = 2,

    /// <summary>A later date for the same detainer replaced it before delivery.</summary>
    Superseded = 3,

    /// <summary>The policy no longer permitted sharing the date when it was due to be delivered.</summary>
    Withheld = 4,
}

/// <summary>What an outbox entry tells the agency.</summary>
public enum OutboxKind
{
    /// <summary>A release date under an honored notification or transfer request.</summary>
    ReleaseDate = 1,

    /// <summary>A change in the status of the agency's interview request.</summary>
    InterviewStatus = 2,
}

/// <summary>
/// Something for an agency in the durable outbox (a release date, or an interview request's new
/// status), delivered at least once on its stream until the agency acknowledges it.
/// </summary>
public sealed class OutboxNotification
{
    /// <summary>Stable across redeliveries; the agency's resume cursor.</summary>
    public long Id { get; set; }

    public OutboxKind Kind { get; set; } = OutboxKind.ReleaseDate;
    public long? DetainerId { get; set; }
    public required string ClientId { get; set; }
    public long PersonId { get; set; }
    public string? BookingNumber { get; set; }
    public DateOnly? ScheduledReleaseDate { get; set; }
    public long? InterviewRequestId { get; set; }
    public Interviews.InterviewStatus? InterviewStatus { get; set; }
    public DateTimeOffset QueuedAt { get; set; }
    public required string RuleId { get; set; }
    public required string PolicyHash { get; set; }
    public NotificationState State { get; set; } = NotificationState.Queued;
    public DateTimeOffset? AcknowledgedAt { get; set; }
    public required string IngestEventId { get; set; }
}

/// <summary>An applied ingest event; its id makes a replay a no-op, its hash catches an id reused for other content.</summary>
public sealed class IngestEvent
{
    public required string EventId { get; set; }
    public required string Method { get; set; }
    public required string RequestSha256 { get; set; }
    public DateTimeOffset AppliedAt { get; set; }
}
