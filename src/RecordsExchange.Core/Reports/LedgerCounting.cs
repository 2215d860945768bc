using RecordsExchange.Core.Audit;
using RecordsExchange.Protos.V1;

namespace RecordsExchange.Core.Reports;

/// <summary>
/// How the report reads one ledger entry: the cell it counts in, in every table of requests. The same
/// rules run on the server's database and in <c>rx report verify</c> over an export; the README states
/// them in words for anyone who wants to recompute a figure with their own tools.
/// </summary>
public static class LedgerCounting
{
    public const string RecordsService = "/recordsexchange.v1.RecordsService/";
    public const string IngestService = "/recordsexchange.v1.IngestService/";

    /// <summary>How a person was given ICE access (Gov. Code 7283(a)), in the report's column order.</summary>
    public static readonly IReadOnlyList<string> Means = ["notification", "transfer", "release_information", "interview", "criminal_history"];

    /// <summary>What became of an agency call, in the report's column order.</summary>
    public static readonly IReadOnlyList<string> Outcomes = ["permitted", "denied", "refused_scope", "quota", "invalid", "not_found", "unauthenticated", "error"];

    public static readonly IReadOnlyList<string> DetainerTypes = ["notify", "hold", "transfer"];
    public static readonly IReadOnlyList<string> DetainerActions = ["will_notify", "will_transfer", "will_not_comply"];

    /// <summary>Where each interview request put to a person stands (as of the checkpoint), in the report's row order.</summary>
    public static readonly IReadOnlyList<string> InterviewRows =
        ["pending", "declined", "accepted", "accepted_attorney_required", "no_answer", "cancelled"];

    public static readonly IReadOnlyList<string> NoticeRows =
        ["detainer_copy/person", "release_date_shared/person", "release_date_shared/designee", "interview_consent/person"];

    /// <summary>
    /// The means by which the entry gave an agency ICE access to a person, or null: a release date or
    /// other release information answered (GetReleaseInfo permitted), a release notification delivered,
    /// a transfer to immigration authorities (RecordRelease), or a criminal history answered (counted as
    /// "other means"). An interview is access too: <see cref="LedgerTally"/> counts it on the request the
    /// person accepted, since that takes the request's outcome from a later entry.
    /// </summary>
    public static string? AccessMeans(AuditRecord record)
    {
        var method = record.Method;
        if (method == RecordsService + "GetReleaseInfo" && record.Decision == nameof(AuditDecision.Permit))
        {
            return "release_information";
        }
        if (method == RecordsService + "GetCriminalHistory" && record.Decision == nameof(AuditDecision.Permit))
        {
            return "criminal_history";
        }
        if (method == RecordsService + "WatchReleaseNotifications" && record.Decision == nameof(AuditDecision.Permit)
            && record.DisclosedFields.Contains("scheduled_release_date"))
        {
            return "notification";
        }
        // An applied release only: a jail system retrying the same event gets a replay, which transfers nobody again.
        if (method == IngestService + "RecordRelease" && record.ReleaseKind == "transferred_to_immigration" && record.RuleId == "ingest.applied")
        {
            return "transfer";
        }
        return null;
    }

    /// <summary>The entry's place in the tables of requests, or null when it counts in none (ingest, tokens, oversight).</summary>
    public static RequestAtom? Classify(AuditRecord record)
    {
        var method = record.Method;
        string? callRow = null, outcome = null, denial = null, detainer = null, interview = null, anomaly = null, notice = null;
        if (method.StartsWith(RecordsService, StringComparison.Ordinal))
        {
            var name = method[RecordsService.Length..];
            // A stream's deliveries are what the stream sent, not calls: they count as access, below; one
            // withheld because the policy no longer allowed it counts with the refusals, under its rule.
            if (name == "WatchReleaseNotifications" && record.SubjectIdentifier.StartsWith("notification:", StringComparison.Ordinal))
            {
                denial = record.Decision == nameof(AuditDecision.Deny) ? record.RuleId : null;
            }
            else
            {
                var client = record.ClientId.Length == 0 ? "-" : record.ClientId;
                callRow = client + " " + name;
                outcome = Outcome(record);
                denial = outcome is "denied" or "refused_scope" or "quota" ? (record.RuleId.Length == 0 ? "-" : record.RuleId) : null;
                anomaly = outcome == "quota" ? client : null;
                if (name == "FileDetainer" && record.StatusCode == "OK" && record.RequestType.Length > 0)
                {
                    detainer = record.RequestType + " " + record.CountyAction;
                }
                // A request put to the person counts where it stands now (LedgerTally follows it to the
                // answer), and with it the consent form it owes, so that the two are one sum.
                if (name == "RequestInterview" && record.InterviewRequestId > 0)
                {
                    (interview, notice) = ("pending", "interview_consent/person created");
                }
            }
        }
        // The notices owed to the person for a shared release date or an interview request are counted on
        // the entry that owes them (below, and above); their own creation entries would count them twice.
        else if (method is "admin/CreateNotice" or "admin/ServeNotice" && record.NoticeKind.Length > 0
            && !(method == "admin/CreateNotice" && record.NoticeKind is "release_date_shared" or "interview_consent" && record.NoticeRecipient == "person"))
        {
            notice = $"{record.NoticeKind}/{record.NoticeRecipient} {(method == "admin/CreateNotice" ? "created" : "served")}";
        }
        var access = AccessMeans(record);
        // The notice a shared release date owes the person is counted on the entry that shared it (one
        // notice per answer or notification, by the TRUTH Act), so the two figures are the same sum.
        if (access is "release_information" or "notification" && record.DisclosedFields.Contains("scheduled_release_date"))
        {
            notice = "release_date_shared/person created";
        }
        return callRow is null && interview is null && notice is null && access is null && denial is null
            ? null
            : new RequestAtom(callRow, outcome, denial, detainer, access, interview, notice, anomaly);
    }

    private static string Outcome(AuditRecord record) => record.Decision switch
    {
        nameof(AuditDecision.Permit) => "permitted",
        nameof(AuditDecision.Deny) when record.RuleId is "scope.required" or "scope.token" => "refused_scope",
        nameof(AuditDecision.Deny) when record.StatusCode == "ResourceExhausted" => "quota",
        nameof(AuditDecision.Deny) => "denied",
        nameof(AuditDecision.Invalid) => "invalid",
        nameof(AuditDecision.NotFound) => "not_found",
        nameof(AuditDecision.Unauthenticated) => "unauthenticated",
        _ => "error",
    };

    /// <summary>A demographic value as the report shows it: empty (an entry from before the field existed) is "not recorded".</summary>
    public static string Band(string value) => value.Length == 0 ? SubjectBands.NotRecorded : value;
}

/// <summary>
/// The finest group of entries the tables of requests tell apart: entries with the same atom count in
/// the same cell of every table. Month is set for ICE access (the access table is by month).
/// </summary>
public readonly record struct RequestAtom(
    string? CallRow, string? Outcome, string? Denial, string? Detainer, string? Access, string? Interview, string? Notice, string? Anomaly, string? Month = null)
{
    /// <summary>
    /// Whether every entry of this atom is about what happened to one person: ICE access (or the notice
    /// that says so), or an interview request put to a person (counted where the person's answer left
    /// it). A small count of such entries would reveal a small count of people, so it is withheld like one.
    /// </summary>
    public bool AccessRelated =>
        Access is not null || Interview is not null
        || Notice?.StartsWith("release_date_shared/", StringComparison.Ordinal) == true || Notice?.StartsWith("interview_consent/", StringComparison.Ordinal) == true;
}

/// <summary>One person given ICE access by one entry: the report counts people from these.</summary>
public readonly record struct AccessEvent(long Subject, DateTimeOffset At, string Means, string Sex, string AgeBand, string RaceEthnicity);
