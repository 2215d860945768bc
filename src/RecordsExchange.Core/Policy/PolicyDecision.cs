using LegalBasis = RecordsExchange.Protos.V1.LegalBasis;

namespace RecordsExchange.Core.Policy;

/// <summary>What a policy decides about: the agency methods, plus the release notification the county sends on its own.</summary>
public enum PolicyMethod
{
    GetCriminalHistory,
    GetReleaseInfo,
    FileDetainer,
    ReleaseNotification,
    RequestInterview,
}

/// <summary>What a detainer asks the county to do.</summary>
public enum DetainerRequestType
{
    Notify,
    Hold,
    Transfer,
}

/// <summary>Something the county must do because of a decision, such as telling the person.</summary>
public sealed record Obligation(string Id, string Text);

/// <summary>Calls per minute and distinct subjects per day allowed to one agency client; null is no limit.</summary>
public sealed record Quota(int? CallsPerMinute, int? DistinctSubjectsPerDay);

/// <summary>How much a client has asked, including the call being decided.</summary>
public readonly record struct QuotaUsage(int CallsInLastMinute, int DistinctSubjectsToday);

/// <summary>
/// Everything a decision depends on. <see cref="Charges"/> are the subject's charges with their dispositions;
/// <see cref="Registrant"/> is true for a current registrant on the California Sex and Arson Registry;
/// <see cref="FederalFelonyWarrant"/> is the number of the outstanding federal felony arrest warrant the
/// request says the person is the subject of (Gov. Code 7282.5(a)(5)).
/// </summary>
public sealed record PolicyInput(
    PolicyMethod Method,
    string ClientId,
    string PurposeCode,
    LegalBasis LegalBasis,
    IReadOnlyList<Records.Charge> Charges,
    DateOnly Today,
    QuotaUsage Usage = default,
    DetainerRequestType? RequestType = null,
    bool Registrant = false,
    string? FederalFelonyWarrant = null);

/// <summary>The outcome: permit or deny, the rule that decided, why in plain words, what the county must do, and the policy it came from.</summary>
public sealed record PolicyDecision(bool Permitted, string RuleId, string Reason, IReadOnlyList<Obligation> Obligations, string PolicySha256)
{
    /// <summary>True when the client is over a quota (RESOURCE_EXHAUSTED rather than PERMISSION_DENIED).</summary>
    public bool QuotaExceeded { get; init; }

    /// <summary>Set when the call is unusual enough to flag in the ledger (for now: over quota).</summary>
    public string? Anomaly { get; init; }

    /// <summary>Throws when the decision is a refusal, with the status it deserves.</summary>
    public PolicyDecision EnsurePermitted() => Permitted ? this
        : QuotaExceeded ? throw new QuotaExceededException(RuleId, Reason)
        : throw new AccessDeniedException(RuleId, Reason);
}
