using RecordsExchange.Core.Records;
using LegalBasis = RecordsExchange.Protos.V1.LegalBasis;

namespace RecordsExchange.Core.Policy;

/// <summary>What a policy decides about: the agency methods, plus the release notification the county sends on its own.</summary>
public enum PolicyMethod
{
    GetCriminalHistory,
    GetReleaseInfo,
    FileDetainer,
    ReleaseNotification,
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

/// <summary>Everything a decision depends on. <see cref="Charges"/> are the subject's charges with their dispositions.</summary>
public sealed record PolicyInput(
    PolicyMethod Method,
    string ClientId,
    string PurposeCode,
    LegalBasis LegalBasis,
    IReadOnlyList<Records.Charge> Charges,
    DateOnly Today,
    QuotaUsage Usage = default,
    DetainerRequestType? RequestType = null);

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

/// <summary>A loaded, validated policy file: immutable, so a reload swaps it whole.</summary>
public sealed class Policy
{
    public const string QuotaCallsRuleId = "quota.calls-per-minute";
    public const string QuotaSubjectsRuleId = "quota.distinct-subjects-per-day";

    internal Policy(PolicyHeader header, IReadOnlyList<string> purposeCodes, IReadOnlyDictionary<PolicyMethod, MethodSettings> methods,
        IReadOnlyList<PolicyRule> rules, PolicyDecision defaultDecision, Quota defaultQuota, IReadOnlyDictionary<string, Quota> clientQuotas,
        IReadOnlyDictionary<string, RecordCriterion> criteria)
    {
        Header = header;
        PurposeCodes = purposeCodes;
        Methods = methods;
        Rules = rules;
        Default = defaultDecision;
        DefaultQuota = defaultQuota;
        ClientQuotas = clientQuotas;
        Criteria = criteria;
    }

    public PolicyHeader Header { get; }

    public string Sha256 => Header.Sha256;

    /// <summary>The purpose codes a request may give; anything else is INVALID_ARGUMENT.</summary>
    public IReadOnlyList<string> PurposeCodes { get; }

    public IReadOnlyDictionary<PolicyMethod, MethodSettings> Methods { get; }

    /// <summary>In file order; the first that matches decides.</summary>
    public IReadOnlyList<PolicyRule> Rules { get; }

    /// <summary>The decision when no rule matches: always a denial.</summary>
    public PolicyDecision Default { get; }

    public Quota DefaultQuota { get; }

    public IReadOnlyDictionary<string, Quota> ClientQuotas { get; }

    public IReadOnlyDictionary<string, RecordCriterion> Criteria { get; }

    public Quota QuotaFor(string clientId) => ClientQuotas.TryGetValue(clientId, out var quota) ? quota : DefaultQuota;

    /// <summary>What a method may disclose (empty when the policy names nothing for it).</summary>
    public IReadOnlySet<string> Disclosure(PolicyMethod method) => Methods.TryGetValue(method, out var settings) ? settings.Disclose : MethodSettings.Nothing;

    /// <summary>
    /// Decides one request: quotas first, then the rules in order, the first match deciding; no match
    /// is the default denial. Allocation-free on the common path: the rules' decisions are built at load.
    /// </summary>
    public PolicyDecision Decide(PolicyInput input, List<string>? trace = null)
    {
        if (QuotaRefusal(input, trace) is { } refused)
        {
            return refused;
        }
        // Indexed loops: enumerating through the interfaces would allocate on every decision.
        for (var i = 0; i < Rules.Count; i++)
        {
            var rule = Rules[i];
            if (rule.Matches(input, trace))
            {
                trace?.Add($"=> {rule.Id} decides: {(rule.Decision.Permitted ? "permit" : "deny")}.");
                return rule.Decision;
            }
        }
        trace?.Add($"=> no rule matched; {Default.RuleId} decides: deny.");
        return Default;
    }

    private PolicyDecision? QuotaRefusal(PolicyInput input, List<string>? trace)
    {
        var quota = QuotaFor(input.ClientId);
        if (quota.CallsPerMinute is { } calls && input.Usage.CallsInLastMinute > calls)
        {
            return OverQuota(QuotaCallsRuleId, $"{input.Usage.CallsInLastMinute} calls in the last minute; this client's limit is {calls}.", trace);
        }
        if (quota.DistinctSubjectsPerDay is { } subjects && input.Usage.DistinctSubjectsToday > subjects)
        {
            return OverQuota(QuotaSubjectsRuleId, $"{input.Usage.DistinctSubjectsToday} distinct people asked about today; this client's limit is {subjects}.", trace);
        }
        trace?.Add($"quota: {input.Usage.CallsInLastMinute} calls in the last minute (limit {quota.CallsPerMinute?.ToString() ?? "none"}), "
            + $"{input.Usage.DistinctSubjectsToday} distinct people today (limit {quota.DistinctSubjectsPerDay?.ToString() ?? "none"}): within.");
        return null;
    }

    private PolicyDecision OverQuota(string ruleId, string why, List<string>? trace)
    {
        trace?.Add($"quota: {why} => {ruleId} decides: deny.");
        return new PolicyDecision(false, ruleId, $"Over quota: {why} Retry later.", [], Sha256) { QuotaExceeded = true, Anomaly = $"{ruleId}: {why}" };
    }
}

/// <summary>Who the policy is, as its file says, and the SHA-256 of the file's bytes.</summary>
public sealed record PolicyHeader(string Id, string Version, string Title, string SourcePath, string Sha256)
{
    public override string ToString() => $"{Id} {Version} (sha256 {Sha256[..12]}…)";
}

/// <summary>Per-method settings: the record fields the method may disclose and the context fields it requires.</summary>
public sealed record MethodSettings(IReadOnlySet<string> Disclose, IReadOnlyList<string> RequiredContext)
{
    internal static readonly IReadOnlySet<string> Nothing = new HashSet<string>();
}

/// <summary>One rule: the conditions (all must hold) and the decision it gives when they do.</summary>
public sealed class PolicyRule
{
    public required string Id { get; init; }
    public required IReadOnlySet<PolicyMethod> Methods { get; init; }
    public IReadOnlySet<string>? Clients { get; init; }
    public IReadOnlySet<string>? Purposes { get; init; }
    public IReadOnlySet<LegalBasis>? LegalBases { get; init; }
    public IReadOnlySet<DetainerRequestType>? RequestTypes { get; init; }

    /// <summary>A criterion the subject's record must meet.</summary>
    public RecordCriterion? Record { get; init; }

    public required PolicyDecision Decision { get; init; }

    internal bool Matches(PolicyInput input, List<string>? trace)
    {
        // Which condition failed, as a number; the words are only built when someone asks (explain).
        var failed = !Methods.Contains(input.Method) ? 1
            : Clients is not null && !Clients.Contains(input.ClientId) ? 2
            : Purposes is not null && !Purposes.Contains(input.PurposeCode) ? 3
            : LegalBases is not null && !LegalBases.Contains(input.LegalBasis) ? 4
            : RequestTypes is not null && (input.RequestType is not { } type || !RequestTypes.Contains(type)) ? 5
            : Record is not null && !Record.IsMetBy(input.Charges, input.Today, trace) ? 6
            : 0;
        trace?.Add(failed == 0 ? $"{Id}: matches." : $"{Id}: does not match: {Miss(failed, input)}.");
        return failed == 0;
    }

    private string Miss(int failed, PolicyInput input) => failed switch
    {
        1 => $"applies to {string.Join(", ", Methods)}, not {input.Method}",
        2 => $"client {input.ClientId} is not one of {string.Join(", ", Clients!)}",
        3 => $"purpose {input.PurposeCode} is not one of {string.Join(", ", Purposes!)}",
        4 => $"legal basis {PolicyNames.Of(input.LegalBasis)} is not one of {string.Join(", ", LegalBases!.Select(PolicyNames.Of))}",
        5 => $"request type {input.RequestType?.ToString().ToLowerInvariant() ?? "(none)"} is not one of {string.Join(", ", RequestTypes!.Select(t => t.ToString().ToLowerInvariant()))}",
        _ => $"the record does not meet {Record!.Id}",
    };
}

/// <summary>A test of a person's record, such as "meets Government Code 7282.5(a)": any one clause met by any one charge.</summary>
public sealed class RecordCriterion
{
    public required string Id { get; init; }
    public required string Title { get; init; }

    /// <summary>Convictions reduced under Proposition 47 never count.</summary>
    public bool ExcludeProp47Reduced { get; init; }

    public required IReadOnlyList<ChargeClause> AnyOf { get; init; }

    public bool IsMetBy(IReadOnlyList<Records.Charge> charges, DateOnly today, List<string>? trace = null)
    {
        for (var c = 0; c < charges.Count; c++)
        {
            var charge = charges[c];
            if (ExcludeProp47Reduced && charge.Disposition is { Prop47Reduced: true })
            {
                trace?.Add($"  {Id}: {Describe(charge)}: reduced under Prop 47, never counts.");
                continue;
            }
            for (var i = 0; i < AnyOf.Count; i++)
            {
                var clause = AnyOf[i];
                if (clause.IsMetBy(charge, today))
                {
                    trace?.Add($"  {Id}: {Describe(charge)} meets \"{clause.Text}\".");
                    return true;
                }
            }
            trace?.Add($"  {Id}: {Describe(charge)} meets no clause.");
        }
        return false;
    }

    private static string Describe(Records.Charge charge) => charge.Disposition is { Result: DispositionResult.Convicted } d
        ? $"{charge.Statute} ({charge.Level.ToString().ToLowerInvariant()}) convicted {d.DispositionDate:yyyy-MM-dd} as {(d.ConvictedLevel ?? charge.Level).ToString().ToLowerInvariant()}"
        : charge.Disposition is { } other ? $"{charge.Statute} {other.Result.ToString().ToLowerInvariant()}"
        : $"{charge.Statute} ({charge.Level.ToString().ToLowerInvariant()}) pending{(charge.ProbableCauseFound ? ", probable cause found" : "")}";
}

/// <summary>Whether the clause is about a conviction or a pending charge.</summary>
public enum ClauseKind
{
    Convicted,
    Pending,
}

/// <summary>One way a single charge can meet a criterion; every condition given must hold.</summary>
public sealed class ChargeClause
{
    public required ClauseKind Kind { get; init; }
    public bool? SeriousFelony { get; init; }
    public bool? ViolentFelony { get; init; }
    public bool? StatePrison { get; init; }
    public OffenseLevel? ChargedAs { get; init; }
    public OffenseLevel? ConvictedAs { get; init; }
    public IReadOnlySet<OffenseCategory>? Categories { get; init; }
    public int? WithinYears { get; init; }
    public bool? ProbableCause { get; init; }

    /// <summary>The clause as the file wrote it, for explanations.</summary>
    public required string Text { get; init; }

    public bool IsMetBy(Records.Charge charge, DateOnly today)
    {
        var disposition = charge.Disposition;
        if (Kind == ClauseKind.Convicted)
        {
            if (disposition is not { Result: DispositionResult.Convicted })
            {
                return false;
            }
            var convictedAs = disposition.ConvictedLevel ?? charge.Level;
            if ((ConvictedAs is { } level && convictedAs != level)
                // Counted from the conviction: "within 5 years" is a conviction date after today minus 5 years.
                || (WithinYears is { } years && disposition.DispositionDate <= today.AddYears(-years)))
            {
                return false;
            }
        }
        else if (disposition is not null || (ProbableCause is { } found && charge.ProbableCauseFound != found))
        {
            return false;
        }
        return (SeriousFelony is not { } serious || charge.SeriousFelony == serious)
            && (ViolentFelony is not { } violent || charge.ViolentFelony == violent)
            && (StatePrison is not { } prison || charge.StatePrisonEligible == prison)
            && (ChargedAs is not { } charged || charge.Level == charged)
            && (Categories is null || Categories.Contains(charge.Category));
    }
}

/// <summary>The spellings the policy file uses for enum values.</summary>
public static class PolicyNames
{
    public static string Of(LegalBasis basis) => basis switch
    {
        LegalBasis.None => "none",
        LegalBasis.AdministrativeDetainer => "administrative_detainer",
        LegalBasis.JudicialWarrant => "judicial_warrant",
        _ => "unspecified",
    };

    public static readonly IReadOnlyDictionary<string, LegalBasis> LegalBases = new Dictionary<string, LegalBasis>
    {
        ["none"] = LegalBasis.None,
        ["administrative_detainer"] = LegalBasis.AdministrativeDetainer,
        ["judicial_warrant"] = LegalBasis.JudicialWarrant,
    };

    /// <summary>snake_case of an enum member name (CriminalThreats → criminal_threats).</summary>
    public static string Snake<T>(T value) where T : struct, Enum =>
        string.Concat(value.ToString().Select((c, i) => char.IsUpper(c) && i > 0 ? "_" + char.ToLowerInvariant(c) : char.ToLowerInvariant(c).ToString()));

    /// <summary>Parses a snake_case enum name; null when it names no member.</summary>
    public static T? Parse<T>(string text) where T : struct, Enum =>
        Enum.GetValues<T>().Cast<T?>().FirstOrDefault(v => Snake(v!.Value) == text);
}
