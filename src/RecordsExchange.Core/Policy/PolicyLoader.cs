using System.Security.Cryptography;
using System.Text;
using RecordsExchange.Core.Records;
using RecordsExchange.Core.Statutes;
using YamlDotNet.RepresentationModel;

namespace RecordsExchange.Core.Policy;

/// <summary>
/// Reads a policy file (YAML) into a <see cref="Policy"/>, or throws <see cref="YamlFileException"/>
/// listing every problem with its line. The file format is described in the README ("writing policy").
/// </summary>
public static class PolicyLoader
{
    /// <summary>Fields each method can disclose; the policy picks from these.</summary>
    public static readonly IReadOnlyDictionary<PolicyMethod, string[]> DisclosableFields = new Dictionary<PolicyMethod, string[]>
    {
        [PolicyMethod.GetCriminalHistory] = ["identity", "charges", "dispositions", "dates"],
        [PolicyMethod.GetReleaseInfo] = ["identity", "custody_status", "booking_number", "scheduled_release_date", "released_at"],
        [PolicyMethod.FileDetainer] = ["identity"],
        [PolicyMethod.ReleaseNotification] = ["identity", "booking_number", "scheduled_release_date"],
        // An interview request discloses nothing about the person: the agency learns only the outcome.
        [PolicyMethod.RequestInterview] = [],
    };

    /// <summary>Non-public personal information: no policy may disclose it, whatever it says.</summary>
    public static readonly string[] NeverDisclosed = ["home_address", "work_address", "phone_number", "immigration_status", "birthplace", "designee"];

    /// <summary>Context fields a policy may require on top of the ones every request needs.</summary>
    public static readonly string[] ContextFields = ["officer_id", "officer_name", "case_number", "justification", "legal_document_number"];

    public static PolicyProfile LoadFile(string path) => Load(File.ReadAllBytes(path), path);

    /// <summary>
    /// Loads a policy from its bytes. A statute table it names is read from <paramref name="directory"/>
    /// (by default the directory of <paramref name="sourceName"/>) and must have the SHA-256 the policy
    /// gives, so the policy's own hash, which the ledger records, fixes the table too.
    /// </summary>
    public static PolicyProfile Load(byte[] bytes, string sourceName, string? directory = null)
    {
        var yaml = new YamlFields(sourceName);
        var root = yaml.Root(Encoding.UTF8.GetString(bytes));
        var top = yaml.Fields(root, "", ["policy", "version", "title", "purpose_codes", "methods", "rules", "default"], ["obligations", "criteria", "quotas", "statutes"]);
        var header = new PolicyHeader(yaml.Text(top, "policy", "") ?? "", yaml.Text(top, "version", "") ?? "", yaml.Text(top, "title", "") ?? "",
            sourceName, Convert.ToHexStringLower(SHA256.HashData(bytes)));

        var purposes = yaml.List(top, "purpose_codes", "")?.Select(p => p.Value).ToList() ?? [];
        var methods = ReadMethods(yaml, top.GetValueOrDefault("methods"));
        var obligations = ReadObligations(yaml, top.GetValueOrDefault("obligations"));
        var statutes = ReadStatutes(yaml, top.GetValueOrDefault("statutes"), directory ?? Path.GetDirectoryName(Path.GetFullPath(sourceName)) ?? ".");
        var criteria = ReadCriteria(yaml, top.GetValueOrDefault("criteria"), statutes);
        var (defaultQuota, clientQuotas) = ReadQuotas(yaml, top.GetValueOrDefault("quotas"));
        var rules = ReadRules(yaml, top.GetValueOrDefault("rules"), header.Sha256, [.. purposes], obligations, criteria);

        var fallback = yaml.Fields(top.GetValueOrDefault("default"), "default", ["id", "reason"], []);
        var defaultDecision = new PolicyDecision(false, yaml.Text(fallback, "id", "default") ?? "", yaml.Text(fallback, "reason", "default") ?? "", [], header.Sha256);
        if (rules.Any(r => r.Id == defaultDecision.RuleId) && top.GetValueOrDefault("default") is { } defaultNode)
        {
            yaml.Problem(defaultNode, "default.id", $"'{defaultDecision.RuleId}' is already a rule id");
        }
        yaml.ThrowIfAny();
        return new PolicyProfile(header, purposes, methods, rules, defaultDecision, defaultQuota, clientQuotas, criteria, statutes);
    }

    private static StatuteTable? ReadStatutes(YamlFields yaml, YamlNode? node, string directory)
    {
        if (node is null)
        {
            return null;
        }
        var fields = yaml.Fields(node, "statutes", ["file", "sha256"], []);
        if (yaml.Text(fields, "file", "statutes") is not { } file || yaml.Text(fields, "sha256", "statutes") is not { } sha256)
        {
            return null;
        }
        var path = Path.Combine(directory, file);
        byte[] bytes;
        try
        {
            bytes = File.ReadAllBytes(path);
        }
        catch (Exception unreadable) when (unreadable is IOException or UnauthorizedAccessException)
        {
            yaml.Problem(fields["file"], "statutes.file", $"cannot read the statute table {path}");
            return null;
        }
        var actual = Convert.ToHexStringLower(SHA256.HashData(bytes));
        if (!string.Equals(actual, sha256, StringComparison.OrdinalIgnoreCase))
        {
            yaml.Problem(fields["sha256"], "statutes.sha256", $"the statute table {file} has sha256 {actual}, not the one given here: check the table's change and put its hash here");
            return null;
        }
        try
        {
            return StatuteTable.Load(bytes, path);
        }
        catch (YamlFileException invalid)
        {
            foreach (var problem in invalid.Problems)
            {
                yaml.Problem(fields["file"], "statutes.file", problem.ToString());
            }
            return null;
        }
    }

    private static string[] Names<T>() where T : struct, Enum => [.. Enum.GetValues<T>().Select(PolicyNames.Snake)];

    private static Dictionary<PolicyMethod, MethodSettings> ReadMethods(YamlFields yaml, YamlNode? node)
    {
        var methods = new Dictionary<PolicyMethod, MethodSettings>();
        var fields = yaml.Fields(node, "methods", [], Names<PolicyMethod>());
        foreach (var (name, value) in fields)
        {
            var method = PolicyNames.Parse<PolicyMethod>(name)!.Value;
            var path = $"methods.{name}";
            var settings = yaml.Fields(value, path, ["disclose"], ["required_context"]);
            var disclose = new HashSet<string>(StringComparer.Ordinal);
            foreach (var (field, fieldNode) in yaml.List(settings, "disclose", path) ?? [])
            {
                if (NeverDisclosed.Contains(field))
                {
                    yaml.Problem(fieldNode, path + ".disclose", $"'{field}' is non-public personal information and may never be disclosed");
                }
                else if (!DisclosableFields[method].Contains(field))
                {
                    yaml.Problem(fieldNode, path + ".disclose", $"'{field}' is not one of: {string.Join(", ", DisclosableFields[method])}");
                }
                else
                {
                    disclose.Add(field);
                }
            }
            var required = new List<string>();
            foreach (var (field, fieldNode) in yaml.List(settings, "required_context", path) ?? [])
            {
                if (ContextFields.Contains(field))
                {
                    required.Add(field);
                }
                else
                {
                    yaml.Problem(fieldNode, path + ".required_context", $"'{field}' is not one of: {string.Join(", ", ContextFields)}");
                }
            }
            methods[method] = new MethodSettings(disclose, required);
        }
        return methods;
    }

    private static Dictionary<string, Obligation> ReadObligations(YamlFields yaml, YamlNode? node)
    {
        var obligations = new Dictionary<string, Obligation>(StringComparer.Ordinal);
        foreach (var (id, value) in yaml.Entries(node, "obligations", "obligation id to the text of what the county must do"))
        {
            if (value is YamlScalarNode { Value: { Length: > 0 } text })
            {
                obligations[id] = new Obligation(id, text);
            }
            else
            {
                yaml.Problem(value, $"obligations.{id}", "must be the text of what the county must do");
            }
        }
        return obligations;
    }

    private static Dictionary<string, RecordCriterion> ReadCriteria(YamlFields yaml, YamlNode? node, StatuteTable? statutes)
    {
        var criteria = new Dictionary<string, RecordCriterion>(StringComparer.Ordinal);
        foreach (var (id, value) in yaml.Entries(node, "criteria", "criterion id to its definition"))
        {
            var path = $"criteria.{id}";
            var fields = yaml.Fields(value, path, ["title", "any_of"], ["exclude_prop47_reduced"]);
            var clauses = new List<ChargeClause>();
            if (fields.TryGetValue("any_of", out var anyOf) && anyOf is YamlSequenceNode sequence && sequence.Children.Count > 0)
            {
                for (var i = 0; i < sequence.Children.Count; i++)
                {
                    if (ReadClause(yaml, sequence.Children[i], $"{path}.any_of[{i}]", statutes) is { } clause)
                    {
                        clauses.Add(clause);
                    }
                }
            }
            else if (anyOf is not null)
            {
                yaml.Problem(anyOf, path + ".any_of", "must be a non-empty list of clauses (- convicted: {...}, - pending: {...} or - registrant: true)");
            }
            criteria[id] = new RecordCriterion
            {
                Id = id,
                Title = yaml.Text(fields, "title", path) ?? "",
                ExcludeProp47Reduced = yaml.Boolean(fields, "exclude_prop47_reduced", path) ?? false,
                AnyOf = clauses,
                Statutes = statutes,
            };
        }
        return criteria;
    }

    private static ChargeClause? ReadClause(YamlFields yaml, YamlNode node, string path, StatuteTable? statutes)
    {
        var outer = yaml.Fields(node, path, [], ["convicted", "pending", "registrant"]);
        if (outer.Count != 1)
        {
            yaml.Problem(node, path, "must have exactly one key: convicted, pending or registrant");
            return null;
        }
        var (kindName, body) = outer.First();
        if (kindName == "registrant")
        {
            // Gov. Code 7282.5(a)(4): a fact about the person, not about one charge.
            if (yaml.Boolean(outer, "registrant", path) != true)
            {
                yaml.Problem(body, path + ".registrant", "must be true (a current registrant on the California Sex and Arson Registry)");
            }
            return new ChargeClause { Kind = ClauseKind.Registrant, Text = "registrant: true" };
        }
        var kind = kindName == "convicted" ? ClauseKind.Convicted : ClauseKind.Pending;
        path = $"{path}.{kindName}";
        string[] common = ["serious_felony", "violent_felony", "state_prison", "charged_as", "offenses"];
        string[] only = kind == ClauseKind.Convicted ? ["as", "within_years", "federal_aggravated_felony"] : ["probable_cause"];
        var fields = yaml.Fields(body, path, [], [.. common, .. only]);
        var level = (string text) => PolicyNames.Parse<OffenseLevel>(text);
        var clause = new ChargeClause
        {
            Kind = kind,
            SeriousFelony = yaml.Boolean(fields, "serious_felony", path),
            ViolentFelony = yaml.Boolean(fields, "violent_felony", path),
            StatePrison = yaml.Boolean(fields, "state_prison", path),
            ChargedAs = yaml.One(fields, "charged_as", path, level, Names<OffenseLevel>()),
            ConvictedAs = yaml.One(fields, "as", path, level, ["felony", "misdemeanor"]),
            Offenses = ReadOffenses(yaml, fields, path, statutes),
            FederalAggravatedFelony = yaml.Boolean(fields, "federal_aggravated_felony", path),
            WithinYears = yaml.Integer(fields, "within_years", path, 1, 100),
            ProbableCause = yaml.Boolean(fields, "probable_cause", path),
            Text = kindName + ": " + string.Join(", ", fields.Select(f => $"{f.Key} {Describe(f.Value)}")),
        };
        if (clause.ConvictedAs == OffenseLevel.Wobbler)
        {
            yaml.Problem(fields["as"], path + ".as", "a conviction is entered as a felony or a misdemeanor, never as a wobbler");
        }
        // The statute lists some offenses "only for a conviction that is a felony": only a clause about felony convictions may name them.
        if (clause is { Offenses: { } offenses } and not { Kind: ClauseKind.Convicted, ConvictedAs: OffenseLevel.Felony } && statutes is not null
            && offenses.Where(letter => statutes.Find(letter)?.FelonyOnly == true).Order(StatuteTable.LetterOrder.Instance).ToList() is { Count: > 0 } felonyOnly)
        {
            yaml.Problem(fields["offenses"], path + ".offenses", $"{string.Join(", ", felonyOnly)} count only as felony convictions in {statutes.Id}: only a clause with as: felony may name them");
        }
        return clause;
    }

    private static HashSet<string>? ReadOffenses(YamlFields yaml, Dictionary<string, YamlNode> fields, string path, StatuteTable? statutes)
    {
        if (yaml.List(fields, "offenses", path) is not { } listed)
        {
            return null;
        }
        if (statutes is null)
        {
            yaml.Problem(fields["offenses"], path + ".offenses", "names subparagraphs of a statute table, but the policy has no statutes: entry");
            return null;
        }
        var letters = new HashSet<string>(StringComparer.Ordinal);
        foreach (var (letter, node) in listed)
        {
            if (statutes.Find(letter) is null)
            {
                yaml.Problem(node, path + ".offenses", $"'{letter}' is not a subparagraph of {statutes.Id} (it has {string.Join(", ", statutes.Subparagraphs.Select(s => s.Letter))})");
            }
            else
            {
                letters.Add(letter);
            }
        }
        return letters;
    }

    private static string Describe(YamlNode node) => node switch
    {
        YamlScalarNode scalar => scalar.Value ?? "",
        YamlSequenceNode sequence => "[" + string.Join(", ", sequence.Children.Select(Describe)) + "]",
        _ => "{…}",
    };

    private static (Quota Default, Dictionary<string, Quota> Clients) ReadQuotas(YamlFields yaml, YamlNode? node)
    {
        var clients = new Dictionary<string, Quota>(StringComparer.Ordinal);
        var fields = yaml.Fields(node, "quotas", [], ["default", "clients"]);
        var defaultQuota = fields.TryGetValue("default", out var defaultNode) ? ReadQuota(yaml, defaultNode, "quotas.default") : new Quota(null, null);
        foreach (var (id, value) in yaml.Entries(fields.GetValueOrDefault("clients"), "quotas.clients", "client id to its quota"))
        {
            clients[id] = ReadQuota(yaml, value, $"quotas.clients.{id}");
        }
        return (defaultQuota, clients);
    }

    private static Quota ReadQuota(YamlFields yaml, YamlNode node, string path)
    {
        var fields = yaml.Fields(node, path, [], ["calls_per_minute", "distinct_subjects_per_day"]);
        return new Quota(yaml.Integer(fields, "calls_per_minute", path, 1, 1_000_000), yaml.Integer(fields, "distinct_subjects_per_day", path, 1, 1_000_000));
    }

    private static List<PolicyRule> ReadRules(YamlFields yaml, YamlNode? node, string sha256, HashSet<string> purposes,
        Dictionary<string, Obligation> obligations, Dictionary<string, RecordCriterion> criteria)
    {
        var rules = new List<PolicyRule>();
        if (node is not YamlSequenceNode sequence || sequence.Children.Count == 0)
        {
            if (node is not null)
            {
                yaml.Problem(node, "rules", "must be a non-empty list of rules");
            }
            return rules;
        }
        var ids = new HashSet<string>(StringComparer.Ordinal);
        for (var i = 0; i < sequence.Children.Count; i++)
        {
            var path = $"rules[{i}]";
            var fields = yaml.Fields(sequence.Children[i], path, ["id", "when", "decision", "reason"], ["obligations"]);
            var id = yaml.Text(fields, "id", path) ?? "";
            if (id.Length > 0 && !ids.Add(id))
            {
                yaml.Problem(fields["id"], path + ".id", $"'{id}' is used by an earlier rule");
            }
            var when = yaml.Fields(fields.GetValueOrDefault("when"), path + ".when", ["method"], ["clients", "purposes", "legal_basis", "request_type", "record", "federal_felony_warrant"]);
            var wpath = path + ".when";
            foreach (var (purpose, purposeNode) in yaml.List(when, "purposes", wpath) ?? [])
            {
                if (!purposes.Contains(purpose))
                {
                    yaml.Problem(purposeNode, wpath + ".purposes", $"'{purpose}' is not in purpose_codes");
                }
            }
            RecordCriterion? record = null;
            if (yaml.Text(when, "record", wpath) is { } criterionId && !criteria.TryGetValue(criterionId, out record))
            {
                yaml.Problem(when["record"], wpath + ".record", $"'{criterionId}' is not defined under criteria");
            }
            var ruleObligations = new List<Obligation>();
            foreach (var (obligationId, obligationNode) in yaml.List(fields, "obligations", path) ?? [])
            {
                if (obligations.TryGetValue(obligationId, out var obligation))
                {
                    ruleObligations.Add(obligation);
                }
                else
                {
                    yaml.Problem(obligationNode, path + ".obligations", $"'{obligationId}' is not defined under obligations");
                }
            }
            var decision = yaml.Text(fields, "decision", path);
            if (decision is not (null or "permit" or "deny"))
            {
                yaml.Problem(fields["decision"], path + ".decision", $"must be permit or deny, not '{decision}'");
            }
            var methods = yaml.Set(when, "method", wpath, PolicyNames.Parse<PolicyMethod>, Names<PolicyMethod>()) ?? [];
            var requestTypes = yaml.Set(when, "request_type", wpath, PolicyNames.Parse<DetainerRequestType>, Names<DetainerRequestType>());
            // The service can notify and hand over at release; it has no way to hold anyone.
            if (decision == "permit" && methods.Contains(PolicyMethod.FileDetainer) && (requestTypes is null || requestTypes.Contains(DetainerRequestType.Hold)))
            {
                yaml.Problem(fields["decision"], path + ".decision", "a rule that permits file_detainer must limit request_type to notify and transfer: a hold cannot be honored");
            }
            rules.Add(new PolicyRule
            {
                Id = id,
                Methods = methods,
                Clients = yaml.List(when, "clients", wpath)?.Select(c => c.Value).ToHashSet(StringComparer.Ordinal),
                Purposes = yaml.List(when, "purposes", wpath)?.Select(c => c.Value).ToHashSet(StringComparer.Ordinal),
                LegalBases = yaml.Set(when, "legal_basis", wpath, b => PolicyNames.LegalBases.TryGetValue(b, out var basis) ? basis : (Protos.V1.LegalBasis?)null, PolicyNames.LegalBases.Keys),
                RequestTypes = requestTypes,
                FederalFelonyWarrant = yaml.Boolean(when, "federal_felony_warrant", wpath),
                Record = record,
                Decision = new PolicyDecision(decision == "permit", id, yaml.Text(fields, "reason", path) ?? "", ruleObligations, sha256),
            });
        }
        return rules;
    }
}

/// <summary>Edits of a policy's text for load tests and benchmarks, which must not run into the shipped quotas.</summary>
public static partial class PolicyText
{
    /// <summary>The same policy with its default quota line replaced (for example by <c>{}</c>, no limits).</summary>
    /// <exception cref="ArgumentException">The text has no one-line <c>quotas.default</c> entry to replace.</exception>
    public static string WithDefaultQuota(string policy, string quota)
    {
        var replaced = DefaultQuotaLine().Replace(policy, "  default: " + quota, 1);
        return replaced != policy || DefaultQuotaLine().IsMatch(policy) ? replaced : throw new ArgumentException("The policy has no one-line quotas.default entry.");
    }

    [System.Text.RegularExpressions.GeneratedRegex(@"(?m)^  default: \{[^}\n]*\}[ \t]*$")]
    private static partial System.Text.RegularExpressions.Regex DefaultQuotaLine();

    /// <summary>
    /// The same policy with its statute table named by absolute path, as it lies in <paramref name="directory"/>,
    /// so a copy written elsewhere (a test's or a benchmark's own directory) still finds the table.
    /// </summary>
    public static string WithStatutesFrom(string policy, string directory) =>
        StatutesFileLine().Replace(policy, match => "  file: " + Path.GetFullPath(Path.Combine(directory, match.Groups[1].Value.Trim())), 1);

    [System.Text.RegularExpressions.GeneratedRegex(@"(?m)^  file: (statutes/[^\n]+)$")]
    private static partial System.Text.RegularExpressions.Regex StatutesFileLine();
}
