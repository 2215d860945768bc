namespace RecordsExchange.Core.Policy;

/// <summary>A loaded, validated policy file: immutable, so a reload swaps it whole.</summary>
public sealed class PolicyProfile
{
    public const string QuotaCallsRuleId = "quota.calls-per-minute";
    public const string QuotaSubjectsRuleId = "quota.distinct-subjects-per-day";

    internal PolicyProfile(PolicyHeader header, IReadOnlyList<string> purposeCodes, IReadOnlyDictionary<PolicyMethod, MethodSettings> methods,
        IReadOnlyList<PolicyRule> rules, PolicyDecision defaultDecision, Quota defaultQuota, IReadOnlyDictionary<string, Quota> clientQuotas,
        IReadOnlyDictionary<string, RecordCriterion> criteria, Statutes.StatuteTable? statutes)
    {
        Statutes = statutes;
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

    /// <summary>The statute table the policy's offenses refer to (for California, Gov. Code 7282.5), if any.</summary>
    public Statutes.StatuteTable? Statutes { get; }

    public Quota QuotaFor(string clientId) => ClientQuotas.TryGetValue(clientId, out var quota) ? quota : DefaultQuota;

    /// <summary>What a method may disclose (empty when the policy names nothing for it).</summary>
    public IReadOnlySet<string> Disclosure(PolicyMethod method) => Methods.TryGetValue(method, out var settings) ? settings.Disclose : MethodSettings.Nothing;

    /// <summary>
    /// Decides one request: quotas first, then the rules in order, the first match deciding; no match
    /// is the default denial. Allocation-free on the common path: the rules' decisions are built at load.
    /// </summary>
    public PolicyDecision Decide(PolicyInput input, List<string>? trace = null)
    {
        if (QuotaRefusal(input.ClientId, input.Usage, trace) is { } refused)
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

    /// <summary>
    /// The over-quota refusal for this usage, or null when it is within the client's quota. Calls that
    /// decide nothing about a person (a stream opening) are held to the quota through this alone.
    /// </summary>
    public PolicyDecision? QuotaRefusal(string clientId, QuotaUsage usage, List<string>? trace = null)
    {
        var quota = QuotaFor(clientId);
        if (quota.CallsPerMinute is { } calls && usage.CallsInLastMinute > calls)
        {
            return OverQuota(QuotaCallsRuleId, $"{usage.CallsInLastMinute} calls in the last minute; this client's limit is {calls}.", trace);
        }
        if (quota.DistinctSubjectsPerDay is { } subjects && usage.DistinctSubjectsToday > subjects)
        {
            return OverQuota(QuotaSubjectsRuleId, $"{usage.DistinctSubjectsToday} distinct people asked about today; this client's limit is {subjects}.", trace);
        }
        trace?.Add($"quota: {usage.CallsInLastMinute} calls in the last minute (limit {quota.CallsPerMinute?.ToString() ?? "none"}), "
            + $"{usage.DistinctSubjectsToday} distinct people today (limit {quota.DistinctSubjectsPerDay?.ToString() ?? "none"}): within.");
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
